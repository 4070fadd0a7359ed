// SmtpClient: one SMTP connection from mailgate to a server (the internal server, for the
// quarantine's release and for recipient callouts), as coroutines, one public method per
// session step so a callout can reuse the connection after RSET for several MAIL/RCPT
// probes. Each step ends by its own timeout and returns an SmtpResult: the reply, or an
// SmtpFailure saying at which stage and with which reply or error it failed. A step that
// loses the connection (timeout, drop, garbled reply) closes it; a refusal does not.
// One step at a time per client. No retries, no pooling, no logging: callers decide.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/smtp/SmtpCapabilities.hpp"
#include "gateway/smtp/SmtpClientSettings.hpp"
#include "gateway/smtp/SmtpDataBlock.hpp"
#include "gateway/smtp/SmtpFailure.hpp"
#include "gateway/smtp/SmtpReplyReader.hpp"
#include "gateway/util/Asio.hpp"

namespace mailgate {

class SmtpConnection;

struct SmtpServer {
    std::string host;  // a host name or an IP address
    std::uint16_t port = 25;
};

// What MAIL FROM may add; each is sent only when the server announced the extension.
struct SmtpMailParameters {
    std::size_t size = 0;    // SIZE= (RFC 1870), when not 0
    bool eight_bit = false;  // BODY=8BITMIME (RFC 6152)
    bool smtputf8 = false;   // SMTPUTF8 (RFC 6531)

    // The parameters a message needs: its size, 8-bit body, non-ASCII addresses.
    static SmtpMailParameters forMessage(const SmtpDataBlock& block, std::string_view sender,
                                         const std::vector<std::string>& recipients);
};

class SmtpClient {
  public:
    template <class T>
    using Step = boost::asio::awaitable<SmtpResult<T>>;

    SmtpClient(const boost::asio::any_io_executor& executor, SmtpClientSettings settings);
    ~SmtpClient();
    SmtpClient(const SmtpClient&) = delete;
    SmtpClient& operator=(const SmtpClient&) = delete;

    // A session as the settings want it: connect(), hello(), then startTls() when the
    // server offers it (Opportunistic) or whatever it offers (Required). Opportunistic
    // goes on in plaintext when STARTTLS is refused, and reconnects without TLS when the
    // handshake fails (RFC 7435). Returns the capabilities of the session's last EHLO.
    Step<SmtpCapabilities> open(SmtpServer server);

    // The steps, for callers that drive the session themselves.
    // TCP connection and the server's 220 greeting (single- or multi-line).
    Step<SmtpServerReply> connect(SmtpServer server);
    // EHLO, or HELO when EHLO gets a 5xx (then no extension is used).
    Step<SmtpCapabilities> hello();
    // STARTTLS, the handshake verified as the settings say, and EHLO again (RFC 3207).
    Step<SmtpCapabilities> startTls();
    // MAIL FROM:<sender>; "" is the null sender of callouts and bounces.
    Step<SmtpServerReply> mailFrom(std::string sender, SmtpMailParameters parameters = {});
    // RCPT TO:<recipient>. A refusal (4xx/5xx) is a failure carrying the reply; the
    // session stays usable for further recipients or RSET.
    Step<SmtpServerReply> rcptTo(std::string recipient);
    // DATA, the block (already dot-stuffed, see SmtpDataBlock), and the reply to the
    // final dot: success only for a 250. `block` must live until the step returns.
    Step<SmtpServerReply> data(const SmtpDataBlock& block);
    // RSET: ends the transaction, keeps the session for the next MAIL FROM.
    Step<SmtpServerReply> reset();
    // QUIT, then closes whatever the server answered.
    Step<SmtpServerReply> quit();

    // Drops the connection without QUIT (not while a step runs).
    void close();
    bool connected() const;
    bool secure() const;
    // What the last EHLO announced; empty after HELO or before hello().
    const SmtpCapabilities& capabilities() const { return capabilities_; }
    const SmtpServer& server() const { return server_; }

  private:
    enum class Expect { AnySuccess, Code220, Code250, Code354 };
    using Reply = SmtpResult<SmtpServerReply>;

    template <class T>
    boost::asio::awaitable<T> onStrand(boost::asio::awaitable<T> task);

    Step<SmtpCapabilities> openOnStrand(SmtpServer server);
    Step<SmtpServerReply> connectOnStrand(SmtpServer server);
    Step<SmtpCapabilities> helloOnStrand();
    Step<SmtpCapabilities> startTlsOnStrand();
    Step<SmtpServerReply> dataOnStrand(const SmtpDataBlock& block);
    Step<SmtpServerReply> commandOnStrand(std::string line, SmtpStage stage, Expect expect);
    Step<SmtpServerReply> readReply(SmtpStage stage, std::int64_t timeout_ms);
    Reply checkReply(Reply reply, SmtpStage stage, Expect expect);
    SmtpFailure transportFailure(SmtpStage stage, boost::system::error_code error,
                                 std::int64_t timeout_ms);

    SmtpClientSettings settings_;
    std::shared_ptr<SmtpConnection> connection_;
    SmtpReplyReader reader_;
    SmtpServer server_;
    SmtpCapabilities capabilities_;
};

}  // namespace mailgate
