// Tests of the SMTP client's STARTTLS (issue 16: "STARTTLS when offered, verification
// configurable") against the scripted server upgraded with a self-signed certificate made
// at test time: opportunistic (any certificate, plaintext when not offered or refused, a
// plaintext reconnection when the handshake fails), required with verification (CA file
// and name; a wrong name or an unknown CA fails), and plaintext injected after the 220.
#include <gtest/gtest.h>

#include "gateway/smtp/SmtpDelivery.hpp"
#include "gateway/util/RunBlocking.hpp"
#include "tests/unit/smtp/FakeSmtpServer.hpp"
#include "tests/unit/smtp/TestCertificate.hpp"

using namespace mailgate;
using mailgate::testing::fakeServerClientSettings;
using mailgate::testing::FakeSmtpScript;
using mailgate::testing::FakeSmtpServer;
using mailgate::testing::loopbackServer;
using mailgate::testing::TestCertificate;

namespace {

const char* kServerName = "mail.example.test";

FakeSmtpScript offeringStartTls() {
    FakeSmtpScript script;
    script.ehlo = "250-fake.example.test\r\n250-STARTTLS\r\n250 8BITMIME\r\n";
    return script;
}

SmtpClientSettings tlsSettings(SmtpTlsMode mode, std::string caFile = "",
                               std::string expectedName = "") {
    SmtpClientSettings settings = fakeServerClientSettings();
    settings.tls = mode;
    settings.tls_ca_file = std::move(caFile);
    settings.tls_expected_name = std::move(expectedName);
    return settings;
}

struct Session {
    bool opened = false;
    bool secure = false;
    std::string failure;
};

Session openSession(const FakeSmtpServer& server, const SmtpClientSettings& settings) {
    return runBlocking([&]() -> boost::asio::awaitable<Session> {
        auto executor = co_await boost::asio::this_coro::executor;
        SmtpClient client(executor, settings);
        SmtpServer address = loopbackServer(server.port());
        auto opened = co_await client.open(address);
        Session session;
        session.opened = opened.ok();
        session.secure = client.secure();
        session.failure = opened ? "" : opened.failure().toString();
        if (opened) {
            auto quit = co_await client.quit();
            EXPECT_TRUE(quit.ok());
        }
        co_return session;
    }());
}

}  // namespace

TEST(SmtpStartTls, OpportunisticUpgradesWithoutVerifyingAndDeliversThroughTls) {
    TestCertificate certificate(kServerName);
    FakeSmtpServer server(offeringStartTls(), certificate.serverContext());
    auto report = runBlocking(
        deliverMessage(tlsSettings(SmtpTlsMode::Opportunistic), loopbackServer(server.port()),
                       "a@example.test", {"b@example.test"}, "Subject: secret\r\n\r\nbody\r\n"));
    ASSERT_TRUE(report.delivered()) << report.failure->toString();
    auto record = server.record();
    EXPECT_EQ(record.tls_sessions, 1);
    std::vector<std::string> expected = {"EHLO gateway.example.test",
                                         "STARTTLS",
                                         "EHLO gateway.example.test",
                                         "MAIL FROM:<a@example.test>",
                                         "RCPT TO:<b@example.test>",
                                         "DATA",
                                         "QUIT"};
    EXPECT_EQ(record.commands, expected);
    EXPECT_EQ(record.messages.at(0), "Subject: secret\r\n\r\nbody\r\n");
}

TEST(SmtpStartTls, RequiredVerifiesTheCertificateAgainstTheCaFileAndName) {
    TestCertificate certificate(kServerName);
    FakeSmtpServer server(offeringStartTls(), certificate.serverContext());
    auto session = openSession(
        server, tlsSettings(SmtpTlsMode::Required, certificate.certificateFile(), kServerName));
    EXPECT_TRUE(session.opened) << session.failure;
    EXPECT_TRUE(session.secure);
}

TEST(SmtpStartTls, RequiredFailsOnAWrongName) {
    TestCertificate certificate(kServerName);
    FakeSmtpServer server(offeringStartTls(), certificate.serverContext());
    auto session = openSession(
        server,
        tlsSettings(SmtpTlsMode::Required, certificate.certificateFile(), "other.example.test"));
    EXPECT_FALSE(session.opened);
    EXPECT_EQ(session.failure, "starttls: certificate verification failed: hostname mismatch");
}

TEST(SmtpStartTls, RequiredFailsOnACertificateNoTrustedCaSigned) {
    TestCertificate certificate(kServerName);
    TestCertificate stranger(kServerName);
    FakeSmtpServer server(offeringStartTls(), certificate.serverContext());
    auto session = openSession(
        server, tlsSettings(SmtpTlsMode::Required, stranger.certificateFile(), kServerName));
    EXPECT_FALSE(session.opened);
    EXPECT_NE(session.failure.find("starttls: certificate verification failed"), std::string::npos)
        << session.failure;
}

TEST(SmtpStartTls, RequiredFailsWhenTheServerDoesNotOfferIt) {
    FakeSmtpServer server(FakeSmtpScript{});
    auto session = openSession(server, tlsSettings(SmtpTlsMode::Required));
    EXPECT_FALSE(session.opened);
    EXPECT_EQ(session.failure, "starttls: the server does not offer STARTTLS");
}

TEST(SmtpStartTls, OpportunisticStaysInPlaintextWhenNotOfferedOrRefused) {
    FakeSmtpServer plain(FakeSmtpScript{});
    auto session = openSession(plain, tlsSettings(SmtpTlsMode::Opportunistic));
    EXPECT_TRUE(session.opened) << session.failure;
    EXPECT_FALSE(session.secure);

    FakeSmtpScript refusing = offeringStartTls();
    refusing.answers = {{"STARTTLS", "454 4.7.0 TLS not available due to local problem\r\n"}};
    FakeSmtpServer server(refusing);
    session = openSession(server, tlsSettings(SmtpTlsMode::Opportunistic));
    EXPECT_TRUE(session.opened) << session.failure;
    EXPECT_FALSE(session.secure);
    EXPECT_EQ(server.record().connections, 1);
}

TEST(SmtpStartTls, OpportunisticReconnectsInPlaintextWhenTheHandshakeFails) {
    FakeSmtpScript broken = offeringStartTls();
    broken.answers = {{"STARTTLS", "220 2.0.0 go ahead\r\n"}};  // and no TLS behind it
    FakeSmtpServer server(broken);
    SmtpClientSettings settings = tlsSettings(SmtpTlsMode::Opportunistic);
    settings.command_timeout_ms = 1000;  // bounds the handshake, if it hangs rather than fails
    auto session = openSession(server, settings);
    EXPECT_TRUE(session.opened) << session.failure;
    EXPECT_FALSE(session.secure);
    auto record = server.record();
    EXPECT_EQ(record.connections, 2);
    EXPECT_EQ(std::count(record.commands.begin(), record.commands.end(), "STARTTLS"), 1);
}

TEST(SmtpStartTls, RefusesPlaintextInjectedAfterThe220) {
    TestCertificate certificate(kServerName);
    FakeSmtpScript injecting = offeringStartTls();
    injecting.answers = {{"STARTTLS", "220 2.0.0 go ahead\r\n250 injected\r\n"}};
    FakeSmtpServer server(injecting, certificate.serverContext());
    auto session = openSession(
        server, tlsSettings(SmtpTlsMode::Required, certificate.certificateFile(), kServerName));
    EXPECT_FALSE(session.opened);
    EXPECT_EQ(session.failure, "starttls: protocol error: data after the 220 reply");
}
