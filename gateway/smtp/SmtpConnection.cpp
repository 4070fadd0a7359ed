// The SMTP client's TCP/TLS byte stream with deadlines (see SmtpConnection.hpp).
#include "gateway/smtp/SmtpConnection.hpp"

#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <array>

namespace mailgate {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
using boost::system::error_code;

namespace {

bool isIpAddress(const std::string& text) {
    error_code error;
    asio::ip::make_address(text, error);
    return !error;
}

// A client context for STARTTLS. Opportunistic: any certificate (RFC 7435: encryption
// against passive eavesdropping beats plaintext); Required: verified chain and name.
error_code configureContext(ssl::context& context, const SmtpClientSettings& settings) {
    error_code error;
    context.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                            ssl::context::no_sslv3 | ssl::context::no_compression,
                        error);
    if (error || settings.tls != SmtpTlsMode::Required) {
        context.set_verify_mode(ssl::verify_none, error);
        return error;
    }
    context.set_verify_mode(ssl::verify_peer, error);
    if (error) {
        return error;
    }
    if (settings.tls_ca_file.empty()) {
        context.set_default_verify_paths(error);
    } else {
        context.load_verify_file(settings.tls_ca_file, error);
    }
    return error;
}

// SNI and, in Required mode, the name or address the certificate must carry (OpenSSL's
// own RFC 6125 check, so a failure is reported as "hostname mismatch").
bool configureStream(SSL* handle, const SmtpClientSettings& settings, const std::string& host) {
    const std::string& name =
        settings.tls_expected_name.empty() ? host : settings.tls_expected_name;
    bool literal = isIpAddress(name);
    if (!literal && SSL_set_tlsext_host_name(handle, name.c_str()) != 1) {
        return false;
    }
    if (settings.tls != SmtpTlsMode::Required) {
        return true;
    }
    if (literal) {
        return X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(handle), name.c_str()) == 1;
    }
    SSL_set_hostflags(handle, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    return SSL_set1_host(handle, name.c_str()) == 1;
}

}  // namespace

std::shared_ptr<SmtpConnection> SmtpConnection::create(const asio::any_io_executor& executor) {
    return std::shared_ptr<SmtpConnection>(new SmtpConnection(executor));
}

SmtpConnection::SmtpConnection(const asio::any_io_executor& executor)
    : strand_(asio::make_strand(executor)), socket_(strand_), resolver_(strand_), timer_(strand_) {}

SmtpConnection::~SmtpConnection() {
    close();
}

void SmtpConnection::armDeadline(Clock::time_point deadline) {
    expired_ = false;
    std::uint64_t generation = ++generation_;
    timer_.expires_at(deadline);
    timer_.async_wait([weak = weak_from_this(), generation](error_code error) {
        auto self = weak.lock();
        if (error || !self || generation != self->generation_) {
            return;
        }
        // Closing, not cancelling: a range connect moves on to the next address when
        // cancelled, and after a timeout the session is lost anyway.
        // The TLS stream stays: an operation on it is pending and ends with the socket.
        self->expired_ = true;
        self->resolver_.cancel();
        error_code ignored;
        self->socket_.close(ignored);
    });
}

bool SmtpConnection::disarmDeadline() {
    ++generation_;
    timer_.cancel();
    return expired_;
}

asio::awaitable<error_code> SmtpConnection::connect(const std::string& host, std::uint16_t port,
                                                    Clock::time_point deadline) {
    close();
    error_code error;
    armDeadline(deadline);
    auto endpoints = co_await resolver_.async_resolve(
        host, std::to_string(port), asio::ip::resolver_base::numeric_service,
        asio::redirect_error(asio::use_awaitable, error));
    if (!error && !expired_) {
        co_await asio::async_connect(socket_, endpoints,
                                     asio::redirect_error(asio::use_awaitable, error));
    }
    if (disarmDeadline()) {
        close();
        co_return asio::error::timed_out;
    }
    if (!error) {
        error_code ignored;
        socket_.set_option(asio::ip::tcp::no_delay(true), ignored);
    }
    co_return error;
}

asio::awaitable<error_code> SmtpConnection::write(std::string_view bytes,
                                                  Clock::time_point deadline) {
    if (!isOpen()) {
        co_return asio::error::not_connected;
    }
    error_code error;
    armDeadline(deadline);
    if (tls_) {
        co_await asio::async_write(*tls_, asio::buffer(bytes.data(), bytes.size()),
                                   asio::redirect_error(asio::use_awaitable, error));
    } else {
        co_await asio::async_write(socket_, asio::buffer(bytes.data(), bytes.size()),
                                   asio::redirect_error(asio::use_awaitable, error));
    }
    if (disarmDeadline()) {
        co_return asio::error::timed_out;
    }
    co_return error;
}

asio::awaitable<error_code> SmtpConnection::readSome(std::string& into,
                                                     Clock::time_point deadline) {
    if (!isOpen()) {
        co_return asio::error::not_connected;
    }
    std::array<char, 4096> chunk{};
    error_code error;
    std::size_t size = 0;
    armDeadline(deadline);
    if (tls_) {
        size = co_await tls_->async_read_some(asio::buffer(chunk),
                                              asio::redirect_error(asio::use_awaitable, error));
    } else {
        size = co_await socket_.async_read_some(asio::buffer(chunk),
                                                asio::redirect_error(asio::use_awaitable, error));
    }
    if (disarmDeadline()) {
        co_return asio::error::timed_out;
    }
    into.append(chunk.data(), size);
    co_return error;
}

asio::awaitable<error_code> SmtpConnection::handshake(const SmtpClientSettings& settings,
                                                      const std::string& host,
                                                      Clock::time_point deadline,
                                                      std::string& detail) {
    tlsContext_ = std::make_shared<ssl::context>(ssl::context::tls_client);
    error_code error = configureContext(*tlsContext_, settings);
    if (error) {
        detail = "TLS setup: " + error.message();
        co_return error;
    }
    auto stream = std::make_unique<ssl::stream<asio::ip::tcp::socket&>>(socket_, *tlsContext_);
    if (!configureStream(stream->native_handle(), settings, host)) {
        detail = "TLS setup: cannot set the expected server name";
        co_return asio::error::invalid_argument;
    }
    armDeadline(deadline);
    co_await stream->async_handshake(ssl::stream_base::client,
                                     asio::redirect_error(asio::use_awaitable, error));
    if (disarmDeadline()) {
        detail = "TLS handshake timed out";
        co_return asio::error::timed_out;
    }
    if (error) {
        long verified = SSL_get_verify_result(stream->native_handle());
        detail = verified != X509_V_OK ? std::string("certificate verification failed: ") +
                                             X509_verify_cert_error_string(verified)
                                       : "TLS handshake failed: " + error.message();
        close();
        co_return error;
    }
    tls_ = std::move(stream);
    co_return error;
}

void SmtpConnection::close() {
    error_code ignored;
    if (socket_.is_open()) {
        socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
        socket_.close(ignored);
    }
    tls_.reset();
}

}  // namespace mailgate
