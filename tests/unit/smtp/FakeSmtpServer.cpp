// The scripted SMTP server of the SMTP client's tests (see FakeSmtpServer.hpp).
#include "tests/unit/smtp/FakeSmtpServer.hpp"

#include <mutex>
#include <optional>

#include "gateway/util/AsciiCase.hpp"

namespace mailgate::testing {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
using asio::ip::tcp;
using boost::system::error_code;

struct FakeSmtpServer::State {
    State(asio::io_context& io, FakeSmtpScript smtpScript, std::shared_ptr<ssl::context> context)
        : script(std::move(smtpScript)), tls(std::move(context)), acceptor(io) {}

    FakeSmtpScript script;
    std::shared_ptr<ssl::context> tls;
    tcp::acceptor acceptor;
    mutable std::mutex mutex;
    FakeSmtpRecord record;

    template <class Change>
    void note(Change change) {
        std::lock_guard<std::mutex> lock(mutex);
        change(record);
    }
};

namespace {

bool startsWith(std::string_view text, std::string_view prefix) {
    return text.size() >= prefix.size() && equalsIgnoreCase(text.substr(0, prefix.size()), prefix);
}

class FakeSmtpSession {
  public:
    FakeSmtpSession(tcp::socket socket, std::shared_ptr<FakeSmtpServer::State> state)
        : socket_(std::move(socket)), state_(std::move(state)) {}

    asio::awaitable<void> serve() {
        state_->note([](FakeSmtpRecord& record) { ++record.connections; });
        bool goOn = co_await answer(state_->script.greeting);
        while (goOn) {
            std::optional<std::string> line = co_await readLine();
            if (!line) {
                co_return;
            }
            std::string command = *line;
            state_->note(
                [&command](FakeSmtpRecord& record) { record.commands.push_back(command); });
            std::string reply = answerFor(command);
            if (startsWith(command, "DATA")) {
                goOn = co_await data(reply);
            } else if (startsWith(command, "STARTTLS")) {
                goOn = co_await startTls(reply);
            } else {
                goOn = co_await answer(reply);
            }
            goOn = goOn && !startsWith(command, "QUIT");
        }
    }

  private:
    std::string answerFor(const std::string& command) const {
        for (const auto& [prefix, reply] : state_->script.answers) {
            if (startsWith(command, prefix)) {
                return reply;
            }
        }
        if (startsWith(command, "EHLO")) {
            return state_->script.ehlo;
        }
        if (startsWith(command, "DATA")) {
            return "354 End data with <CR><LF>.<CR><LF>\r\n";
        }
        if (startsWith(command, "STARTTLS")) {
            return state_->tls ? "220 2.0.0 Ready to start TLS\r\n"
                               : "454 4.7.0 TLS not available\r\n";
        }
        if (startsWith(command, "QUIT")) {
            return "221 2.0.0 Bye\r\n";
        }
        const char* known[] = {"HELO", "MAIL", "RCPT", "RSET", "NOOP"};
        for (const char* verb : known) {
            if (startsWith(command, verb)) {
                return "250 2.0.0 Ok\r\n";
            }
        }
        return "502 5.5.2 Error: command not recognized\r\n";
    }

    // Sends `reply`, or does what a special answer says; false when the session is over.
    asio::awaitable<bool> answer(const std::string& reply) {
        if (reply == "<close>") {
            co_return false;
        }
        if (reply == "<hang>") {
            bool open = true;
            while (open) {
                open = co_await readSome();
            }
            co_return false;
        }
        bool written = co_await write(reply);
        co_return written;
    }

    asio::awaitable<bool> data(const std::string& reply) {
        if (reply == "<close-in-data>") {
            std::string goAhead = "354 go ahead\r\n";
            bool written = co_await write(goAhead);
            if (written) {
                bool read = co_await readSome();  // the first bytes of the message, then drop
                (void)read;
            }
            co_return false;
        }
        if (reply.substr(0, 3) != "354") {
            bool answered = co_await answer(reply);
            co_return answered;
        }
        bool written = co_await write(reply);
        if (!written) {
            co_return false;
        }
        while (true) {
            std::size_t end = buffer_.substr(0, 3) == ".\r\n" ? 0 : buffer_.find("\r\n.\r\n");
            if (end != std::string::npos) {
                std::size_t length = end == 0 ? 0 : end + 2;
                std::string message = buffer_.substr(0, length);
                buffer_.erase(0, length + 3);
                state_->note(
                    [&message](FakeSmtpRecord& record) { record.messages.push_back(message); });
                bool answered = co_await answer(state_->script.final_dot);
                co_return answered;
            }
            bool read = co_await readSome();
            if (!read) {
                co_return false;
            }
        }
    }

    asio::awaitable<bool> startTls(const std::string& reply) {
        if (!state_->tls || reply.substr(0, 3) != "220") {
            bool answered = co_await answer(reply);
            co_return answered;
        }
        bool written = co_await write(reply);
        if (!written) {
            co_return false;
        }
        auto stream = std::make_unique<ssl::stream<tcp::socket&>>(socket_, *state_->tls);
        error_code error;
        co_await stream->async_handshake(ssl::stream_base::server,
                                         asio::redirect_error(asio::use_awaitable, error));
        if (error) {
            co_return false;
        }
        tls_ = std::move(stream);
        buffer_.clear();
        state_->note([](FakeSmtpRecord& record) { ++record.tls_sessions; });
        co_return true;
    }

    asio::awaitable<std::optional<std::string>> readLine() {
        while (true) {
            auto newline = buffer_.find('\n');
            if (newline != std::string::npos) {
                std::string line = buffer_.substr(0, newline);
                buffer_.erase(0, newline + 1);
                if (!line.empty() && line.back() == '\r') {
                    line.pop_back();
                }
                co_return line;
            }
            bool read = co_await readSome();
            if (!read) {
                co_return std::nullopt;
            }
        }
    }

    asio::awaitable<bool> readSome() {
        std::array<char, 4096> chunk{};
        error_code error;
        std::size_t size = 0;
        if (tls_) {
            size = co_await tls_->async_read_some(asio::buffer(chunk),
                                                  asio::redirect_error(asio::use_awaitable, error));
        } else {
            size = co_await socket_.async_read_some(
                asio::buffer(chunk), asio::redirect_error(asio::use_awaitable, error));
        }
        buffer_.append(chunk.data(), size);
        co_return !error;
    }

    asio::awaitable<bool> write(const std::string& text) {
        error_code error;
        if (tls_) {
            co_await asio::async_write(*tls_, asio::buffer(text),
                                       asio::redirect_error(asio::use_awaitable, error));
        } else {
            co_await asio::async_write(socket_, asio::buffer(text),
                                       asio::redirect_error(asio::use_awaitable, error));
        }
        co_return !error;
    }

    tcp::socket socket_;
    std::shared_ptr<FakeSmtpServer::State> state_;
    std::unique_ptr<ssl::stream<tcp::socket&>> tls_;
    std::string buffer_;
};

asio::awaitable<void> serveSession(std::shared_ptr<FakeSmtpSession> session) {
    co_await session->serve();
}

asio::awaitable<void> acceptLoop(std::shared_ptr<FakeSmtpServer::State> state) {
    while (true) {
        error_code error;
        tcp::socket socket =
            co_await state->acceptor.async_accept(asio::redirect_error(asio::use_awaitable, error));
        if (error) {
            co_return;
        }
        auto executor = co_await asio::this_coro::executor;
        auto session = std::make_shared<FakeSmtpSession>(std::move(socket), state);
        asio::co_spawn(executor, serveSession(std::move(session)), asio::detached);
    }
}

}  // namespace

FakeSmtpServer::FakeSmtpServer(FakeSmtpScript script, std::shared_ptr<ssl::context> tls)
    : state_(std::make_shared<State>(io_, std::move(script), std::move(tls))) {
    tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), 0);
    state_->acceptor.open(endpoint.protocol());
    state_->acceptor.set_option(tcp::acceptor::reuse_address(true));
    state_->acceptor.bind(endpoint);
    state_->acceptor.listen();
    port_ = state_->acceptor.local_endpoint().port();
    asio::co_spawn(io_, acceptLoop(state_), asio::detached);
    thread_ = std::thread([this] { io_.run(); });
}

FakeSmtpServer::~FakeSmtpServer() {
    io_.stop();
    thread_.join();
}

FakeSmtpRecord FakeSmtpServer::record() const {
    std::lock_guard<std::mutex> lock(state_->mutex);
    return state_->record;
}

}  // namespace mailgate::testing
