// SmtpConnection: the byte stream under mailgate's SMTP client: a TCP connection, later
// wrapped in TLS after STARTTLS, where every operation ends by a deadline (the socket is
// closed when it passes, and the operation reports timed_out). All of it runs on one
// strand, which SmtpClient's coroutines run on too. It knows nothing of SMTP commands or
// replies (SmtpClient does), and it is not meant to be used outside gateway/smtp/.
#pragma once

#include <boost/asio/ssl.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "gateway/smtp/SmtpClientSettings.hpp"
#include "gateway/util/Asio.hpp"

namespace mailgate {

class SmtpConnection : public std::enable_shared_from_this<SmtpConnection> {
  public:
    using Clock = std::chrono::steady_clock;
    using Strand = boost::asio::strand<boost::asio::any_io_executor>;

    static std::shared_ptr<SmtpConnection> create(const boost::asio::any_io_executor& executor);
    ~SmtpConnection();
    SmtpConnection(const SmtpConnection&) = delete;
    SmtpConnection& operator=(const SmtpConnection&) = delete;

    const Strand& strand() const { return strand_; }

    // Every coroutine below must run on strand(). Each returns the error that ended it:
    // timed_out when the deadline passed, eof when the server closed the connection.
    boost::asio::awaitable<boost::system::error_code> connect(const std::string& host,
                                                              std::uint16_t port,
                                                              Clock::time_point deadline);
    boost::asio::awaitable<boost::system::error_code> write(std::string_view bytes,
                                                            Clock::time_point deadline);
    // Appends what arrives to `into` (at least one byte unless it fails).
    boost::asio::awaitable<boost::system::error_code> readSome(std::string& into,
                                                               Clock::time_point deadline);
    // The TLS handshake as a client, verifying the server as the settings say; `host` is
    // the name connected to (for SNI, and to verify when tls_expected_name is empty).
    // On failure `detail` says why in words (a verification failure names the reason).
    boost::asio::awaitable<boost::system::error_code> handshake(const SmtpClientSettings& settings,
                                                                const std::string& host,
                                                                Clock::time_point deadline,
                                                                std::string& detail);
    // Closes the connection; only when no operation is pending (a deadline that passes
    // closes the socket alone, and the pending operation then ends).
    void close();
    bool isOpen() const { return socket_.is_open(); }
    bool isSecure() const { return tls_ != nullptr; }

  private:
    explicit SmtpConnection(const boost::asio::any_io_executor& executor);
    void armDeadline(Clock::time_point deadline);
    // Stops the deadline; true when it had already passed (the operation timed out).
    bool disarmDeadline();

    Strand strand_;
    boost::asio::ip::tcp::socket socket_;
    boost::asio::ip::tcp::resolver resolver_;
    boost::asio::steady_timer timer_;
    std::shared_ptr<boost::asio::ssl::context> tlsContext_;
    std::unique_ptr<boost::asio::ssl::stream<boost::asio::ip::tcp::socket&>> tls_;
    std::uint64_t generation_ = 0;  // numbers deadlines, so a stale timer does nothing
    bool expired_ = false;
};

}  // namespace mailgate
