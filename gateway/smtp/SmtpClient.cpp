// The session steps of mailgate's SMTP client (see SmtpClient.hpp).
#include "gateway/smtp/SmtpClient.hpp"

#include <algorithm>
#include <chrono>
#include <optional>

#include "gateway/smtp/SmtpConnection.hpp"

namespace mailgate {

namespace asio = boost::asio;
using boost::system::error_code;

namespace {

// Written in pieces so data_block_timeout_ms bounds a stalled transfer, not a large one.
constexpr std::size_t kDataChunk = 64 * 1024;

SmtpConnection::Clock::time_point deadlineAfter(std::int64_t milliseconds) {
    return SmtpConnection::Clock::now() + std::chrono::milliseconds(milliseconds);
}

bool hasNonAscii(std::string_view text) {
    return std::any_of(text.begin(), text.end(),
                       [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
}

// An address goes between angle brackets on a command line: nothing may end the line
// (command injection) or the brackets.
bool isSafeAddress(std::string_view address) {
    return std::none_of(address.begin(), address.end(), [](char c) {
        auto byte = static_cast<unsigned char>(c);
        return byte < 0x20 || byte == 0x7f || c == '<' || c == '>';
    });
}

SmtpFailure localFailure(SmtpStage stage, std::string error) {
    SmtpFailure failure;
    failure.stage = stage;
    failure.error = std::move(error);
    return failure;
}

// Boost 1.74's co_spawn wants a default-constructible result; SmtpResult has none.
template <class T>
asio::awaitable<std::optional<T>> optionally(asio::awaitable<T> task) {
    co_return co_await std::move(task);
}

}  // namespace

SmtpMailParameters SmtpMailParameters::forMessage(const SmtpDataBlock& block,
                                                  std::string_view sender,
                                                  const std::vector<std::string>& recipients) {
    SmtpMailParameters parameters;
    parameters.size = block.message_size;
    parameters.eight_bit = block.eight_bit;
    parameters.smtputf8 =
        hasNonAscii(sender) || std::any_of(recipients.begin(), recipients.end(),
                                           [](const std::string& r) { return hasNonAscii(r); });
    return parameters;
}

SmtpClient::SmtpClient(const asio::any_io_executor& executor, SmtpClientSettings settings)
    : settings_(std::move(settings)),
      connection_(SmtpConnection::create(executor)),
      reader_(settings_.reply_limits) {}

SmtpClient::~SmtpClient() = default;

template <class T>
asio::awaitable<T> SmtpClient::onStrand(asio::awaitable<T> task) {
    std::optional<T> result = co_await asio::co_spawn(
        connection_->strand(), optionally(std::move(task)), asio::use_awaitable);
    co_return std::move(*result);
}

void SmtpClient::close() {
    connection_->close();
}

bool SmtpClient::connected() const {
    return connection_->isOpen();
}

bool SmtpClient::secure() const {
    return connection_->isOpen() && connection_->isSecure();
}

SmtpFailure SmtpClient::transportFailure(SmtpStage stage, error_code error,
                                         std::int64_t timeout_ms) {
    connection_->close();
    if (error == asio::error::timed_out) {
        return localFailure(stage, "timed out after " + std::to_string(timeout_ms) + " ms");
    }
    if (error == asio::error::eof || error == asio::ssl::error::stream_truncated) {
        return localFailure(stage, "connection closed by the server");
    }
    if (error == asio::error::not_connected) {
        return localFailure(stage, "not connected");
    }
    return localFailure(stage, error.message());
}

SmtpClient::Step<SmtpServerReply> SmtpClient::readReply(SmtpStage stage, std::int64_t timeout_ms) {
    auto deadline = deadlineAfter(timeout_ms);
    while (true) {
        auto next = reader_.next();
        if (!next) {
            connection_->close();
            co_return localFailure(stage, "protocol error: " + next.error());
        }
        if (next->has_value()) {
            co_return std::move(**next);
        }
        std::string received;
        error_code error = co_await connection_->readSome(received, deadline);
        reader_.feed(received);
        if (error && received.empty()) {
            co_return transportFailure(stage, error, timeout_ms);
        }
    }
}

SmtpClient::Reply SmtpClient::checkReply(Reply reply, SmtpStage stage, Expect expect) {
    if (!reply) {
        return reply;
    }
    int code = reply->code;
    bool expected = expect == Expect::AnySuccess ? reply->success()
                    : expect == Expect::Code220  ? code == 220
                    : expect == Expect::Code250  ? code == 250
                                                 : code == 354;
    if (expected) {
        return reply;
    }
    SmtpFailure failure;
    failure.stage = stage;
    SmtpReplyClass replyClass = reply->replyClass();
    bool unexpected =
        replyClass == SmtpReplyClass::Success || replyClass == SmtpReplyClass::Intermediate;
    if (unexpected) {
        failure.error = "unexpected reply";
    }
    // An unexpected success leaves the server in a state we do not know (in DATA, after a
    // 354 to RCPT?); 421 means the server is closing (RFC 5321 3.8); a refused greeting
    // leaves nothing to do.
    if (unexpected || code == 421 || stage == SmtpStage::Greeting) {
        connection_->close();
    }
    failure.reply = std::move(reply).value();
    return failure;
}

SmtpClient::Step<SmtpServerReply> SmtpClient::commandOnStrand(std::string line, SmtpStage stage,
                                                              Expect expect) {
    line += "\r\n";
    std::int64_t timeout = settings_.command_timeout_ms;
    error_code error = co_await connection_->write(line, deadlineAfter(timeout));
    if (error) {
        co_return transportFailure(stage, error, timeout);
    }
    auto reply = co_await readReply(stage, timeout);
    co_return checkReply(std::move(reply), stage, expect);
}

SmtpClient::Step<SmtpServerReply> SmtpClient::connectOnStrand(SmtpServer server) {
    connection_->close();
    reader_.clear();
    capabilities_ = SmtpCapabilities{};
    server_ = std::move(server);
    auto valid = validateSmtpClientSettings(settings_);
    if (!valid) {
        co_return localFailure(SmtpStage::Connect, "invalid settings: " + valid.error());
    }
    std::int64_t timeout = settings_.connect_timeout_ms;
    error_code error =
        co_await connection_->connect(server_.host, server_.port, deadlineAfter(timeout));
    if (error) {
        co_return transportFailure(SmtpStage::Connect, error, timeout);
    }
    auto greeting = co_await readReply(SmtpStage::Greeting, settings_.greeting_timeout_ms);
    co_return checkReply(std::move(greeting), SmtpStage::Greeting, Expect::Code220);
}

SmtpClient::Step<SmtpCapabilities> SmtpClient::helloOnStrand() {
    capabilities_ = SmtpCapabilities{};
    auto ehlo = co_await commandOnStrand("EHLO " + settings_.helo_name, SmtpStage::Ehlo,
                                         Expect::AnySuccess);
    if (ehlo) {
        capabilities_ = SmtpCapabilities::fromEhloReply(*ehlo);
        co_return capabilities_;
    }
    if (!connection_->isOpen() || !ehlo.failure().permanent()) {
        co_return ehlo.failure();
    }
    auto helo = co_await commandOnStrand("HELO " + settings_.helo_name, SmtpStage::Helo,
                                         Expect::AnySuccess);
    if (!helo) {
        co_return helo.failure();
    }
    co_return capabilities_;
}

SmtpClient::Step<SmtpCapabilities> SmtpClient::startTlsOnStrand() {
    if (connection_->isOpen() && connection_->isSecure()) {
        co_return localFailure(SmtpStage::StartTls, "the session is already in TLS");
    }
    auto reply = co_await commandOnStrand("STARTTLS", SmtpStage::StartTls, Expect::Code220);
    if (!reply) {
        co_return reply.failure();
    }
    // Plaintext after the 220 would be read as if it came through TLS (CVE-2011-0411).
    if (reader_.pendingBytes() > 0) {
        connection_->close();
        co_return localFailure(SmtpStage::StartTls, "protocol error: data after the 220 reply");
    }
    std::string detail;
    std::int64_t timeout = settings_.command_timeout_ms;
    error_code error =
        co_await connection_->handshake(settings_, server_.host, deadlineAfter(timeout), detail);
    if (error) {
        connection_->close();
        co_return localFailure(SmtpStage::StartTls, detail);
    }
    reader_.clear();
    co_return co_await helloOnStrand();
}

SmtpClient::Step<SmtpCapabilities> SmtpClient::openOnStrand(SmtpServer server) {
    auto greeting = co_await connectOnStrand(server);
    if (!greeting) {
        co_return greeting.failure();
    }
    auto hello = co_await helloOnStrand();
    if (!hello || settings_.tls == SmtpTlsMode::Off) {
        co_return hello;
    }
    if (!hello->starttls) {
        if (settings_.tls == SmtpTlsMode::Opportunistic) {
            co_return hello;
        }
        connection_->close();
        co_return localFailure(SmtpStage::StartTls, "the server does not offer STARTTLS");
    }
    auto secured = co_await startTlsOnStrand();
    if (secured || settings_.tls == SmtpTlsMode::Required) {
        co_return secured;
    }
    // Opportunistic: a refused STARTTLS leaves a plaintext session; a failed handshake
    // leaves none, so start again without TLS.
    if (connection_->isOpen() && secured.failure().stage == SmtpStage::StartTls) {
        co_return hello;
    }
    auto again = co_await connectOnStrand(std::move(server));
    if (!again) {
        co_return again.failure();
    }
    co_return co_await helloOnStrand();
}

SmtpClient::Step<SmtpServerReply> SmtpClient::dataOnStrand(const SmtpDataBlock& block) {
    auto started = co_await commandOnStrand("DATA", SmtpStage::Data, Expect::Code354);
    if (!started) {
        co_return started.failure();
    }
    std::string_view bytes = block.bytes;
    std::int64_t timeout = settings_.data_block_timeout_ms;
    for (std::size_t offset = 0; offset < bytes.size(); offset += kDataChunk) {
        std::string_view chunk = bytes.substr(offset, kDataChunk);
        error_code error = co_await connection_->write(chunk, deadlineAfter(timeout));
        if (error) {
            co_return transportFailure(SmtpStage::DataBlock, error, timeout);
        }
    }
    auto final = co_await readReply(SmtpStage::FinalDot, settings_.final_dot_timeout_ms);
    co_return checkReply(std::move(final), SmtpStage::FinalDot, Expect::Code250);
}

SmtpClient::Step<SmtpCapabilities> SmtpClient::open(SmtpServer server) {
    co_return co_await onStrand(openOnStrand(std::move(server)));
}

SmtpClient::Step<SmtpServerReply> SmtpClient::connect(SmtpServer server) {
    co_return co_await onStrand(connectOnStrand(std::move(server)));
}

SmtpClient::Step<SmtpCapabilities> SmtpClient::hello() {
    co_return co_await onStrand(helloOnStrand());
}

SmtpClient::Step<SmtpCapabilities> SmtpClient::startTls() {
    co_return co_await onStrand(startTlsOnStrand());
}

SmtpClient::Step<SmtpServerReply> SmtpClient::mailFrom(std::string sender,
                                                       SmtpMailParameters parameters) {
    if (!isSafeAddress(sender)) {
        co_return localFailure(SmtpStage::Mail, "sender address with a control byte or bracket");
    }
    std::string line = "MAIL FROM:<" + sender + ">";
    if (parameters.size > 0 && capabilities_.size) {
        line += " SIZE=" + std::to_string(parameters.size);
    }
    if (parameters.eight_bit && capabilities_.eight_bit_mime) {
        line += " BODY=8BITMIME";
    }
    if (parameters.smtputf8 && capabilities_.smtputf8) {
        line += " SMTPUTF8";
    }
    co_return co_await onStrand(
        commandOnStrand(std::move(line), SmtpStage::Mail, Expect::AnySuccess));
}

SmtpClient::Step<SmtpServerReply> SmtpClient::rcptTo(std::string recipient) {
    if (recipient.empty() || !isSafeAddress(recipient)) {
        co_return localFailure(SmtpStage::Rcpt,
                               "recipient address empty or with a control byte or bracket");
    }
    std::string line = "RCPT TO:<" + recipient + ">";
    co_return co_await onStrand(
        commandOnStrand(std::move(line), SmtpStage::Rcpt, Expect::AnySuccess));
}

SmtpClient::Step<SmtpServerReply> SmtpClient::data(const SmtpDataBlock& block) {
    co_return co_await onStrand(dataOnStrand(block));
}

SmtpClient::Step<SmtpServerReply> SmtpClient::reset() {
    co_return co_await onStrand(commandOnStrand("RSET", SmtpStage::Rset, Expect::AnySuccess));
}

SmtpClient::Step<SmtpServerReply> SmtpClient::quit() {
    auto reply = co_await onStrand(commandOnStrand("QUIT", SmtpStage::Quit, Expect::AnySuccess));
    close();
    co_return reply;
}

}  // namespace mailgate
