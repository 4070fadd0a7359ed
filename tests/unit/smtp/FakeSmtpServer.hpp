// FakeSmtpServer: a scripted SMTP server on 127.0.0.1 (a free port) for the SMTP client's
// tests, on a thread and io_context of its own (the client runs in runBlocking): it answers each
// command line from a script (by command prefix, with sensible defaults), can hang, drop the
// connection or upgrade to TLS after STARTTLS, and records every command, DATA block and
// connection. It is a test double, not an SMTP implementation: no pipelining, no state machine, no
// limits.
#pragma once

#include <boost/asio/ssl.hpp>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "gateway/smtp/SmtpClient.hpp"
#include "gateway/util/Asio.hpp"

namespace mailgate::testing {

// Special answers: "<close>" drops the connection instead of answering; "<hang>" never
// answers (the server waits for the client to go); as the DATA answer, "<close-in-data>"
// answers 354, reads the first bytes of the message and drops the connection.
struct FakeSmtpScript {
    std::string greeting = "220 fake.example.test ESMTP\r\n";
    std::string ehlo =
        "250-fake.example.test\r\n250-SIZE 10485760\r\n250-8BITMIME\r\n250-PIPELINING\r\n"
        "250 SMTPUTF8\r\n";
    // Answers chosen by a case-insensitive prefix of the command line, first match wins,
    // before the defaults (250 to MAIL, RCPT, RSET, HELO; 354 to DATA; 220 then TLS to
    // STARTTLS; 221 to QUIT). Each answer is sent as written: end it with CRLF.
    std::vector<std::pair<std::string, std::string>> answers;
    std::string final_dot = "250 2.0.0 queued as FAKE1\r\n";
};

struct FakeSmtpRecord {
    std::vector<std::string> commands;  // every line received outside DATA, without CRLF
    std::vector<std::string> messages;  // each DATA block as received, up to the final dot
    int connections = 0;
    int tls_sessions = 0;  // handshakes completed
};

class FakeSmtpServer {
  public:
    // Listens and serves at once, until destroyed. With a TLS context (a server
    // certificate loaded), STARTTLS upgrades the connection; without one it answers 454.
    explicit FakeSmtpServer(FakeSmtpScript script,
                            std::shared_ptr<boost::asio::ssl::context> tls = nullptr);
    ~FakeSmtpServer();
    FakeSmtpServer(const FakeSmtpServer&) = delete;
    FakeSmtpServer& operator=(const FakeSmtpServer&) = delete;

    std::uint16_t port() const { return port_; }
    // A copy of what was received so far.
    FakeSmtpRecord record() const;

    struct State;

  private:
    boost::asio::io_context io_;
    std::shared_ptr<State> state_;
    std::uint16_t port_ = 0;
    std::thread thread_;
};

// Client settings for tests against a FakeSmtpServer: every timeout `timeout_ms`.
inline SmtpClientSettings fakeServerClientSettings(std::int64_t timeout_ms = 5000) {
    SmtpClientSettings settings;
    settings.helo_name = "gateway.example.test";
    settings.connect_timeout_ms = settings.greeting_timeout_ms = settings.command_timeout_ms =
        settings.data_block_timeout_ms = settings.final_dot_timeout_ms = timeout_ms;
    return settings;
}

inline SmtpServer loopbackServer(std::uint16_t port) {
    return SmtpServer{"127.0.0.1", port};
}

}  // namespace mailgate::testing
