// Tests of SmtpClient's session steps (issue 16: callouts reuse one connection) against a
// scripted SMTP server on loopback: greetings good and bad (multi-line, 554, garbage, an
// oversize line, a 2 MB banner, silence), EHLO with its HELO fallback, several MAIL/RCPT
// probes on one connection with RSET between them, 421, and addresses that would inject
// commands. Each failure must name its stage and the reply or error.
#include <gtest/gtest.h>

#include "gateway/smtp/SmtpClient.hpp"
#include "gateway/util/RunBlocking.hpp"
#include "tests/unit/smtp/FakeSmtpServer.hpp"

using namespace mailgate;
using mailgate::testing::fakeServerClientSettings;
using mailgate::testing::FakeSmtpScript;
using mailgate::testing::FakeSmtpServer;
using mailgate::testing::loopbackServer;

namespace {

// The outcome of open() against a server playing `script`.
SmtpResult<SmtpCapabilities> openWith(
    const FakeSmtpScript& script, const SmtpClientSettings& settings = fakeServerClientSettings()) {
    FakeSmtpServer server(script);
    return runBlocking([&]() -> boost::asio::awaitable<SmtpResult<SmtpCapabilities>> {
        auto executor = co_await boost::asio::this_coro::executor;
        SmtpClient client(executor, settings);
        SmtpServer address = loopbackServer(server.port());
        co_return co_await client.open(address);
    }());
}

struct RcptOutcome {
    SmtpResult<SmtpServerReply> reply;
    bool connected_after = false;
};

// A session to a server answering `answer` to RCPT: the RCPT's result, and whether the
// client still holds the connection after it.
RcptOutcome rcptAnsweredWith(std::string answer) {
    FakeSmtpScript script;
    script.answers = {{"RCPT", std::move(answer)}};
    FakeSmtpServer server(script);
    return runBlocking([&]() -> boost::asio::awaitable<RcptOutcome> {
        auto executor = co_await boost::asio::this_coro::executor;
        SmtpClient client(executor, fakeServerClientSettings());
        SmtpServer address = loopbackServer(server.port());
        auto opened = co_await client.open(address);
        EXPECT_TRUE(opened.ok());
        auto mail = co_await client.mailFrom("a@example.test");
        EXPECT_TRUE(mail.ok());
        auto reply = co_await client.rcptTo("b@example.test");
        co_return RcptOutcome{std::move(reply), client.connected()};
    }());
}

FakeSmtpScript withGreeting(std::string greeting) {
    FakeSmtpScript script;
    script.greeting = std::move(greeting);
    return script;
}

}  // namespace

TEST(SmtpClient, OpensASessionAfterAMultiLineGreeting) {
    auto opened = openWith(withGreeting("220-fake.example.test ESMTP\r\n220-no UCE\r\n220 ok\r\n"));
    ASSERT_TRUE(opened.ok()) << opened.failure().toString();
    EXPECT_TRUE(opened->extended);
    EXPECT_TRUE(opened->size);
    EXPECT_EQ(opened->max_size, 10485760u);
    EXPECT_TRUE(opened->eight_bit_mime);
    EXPECT_TRUE(opened->pipelining);
    EXPECT_TRUE(opened->smtputf8);
    EXPECT_FALSE(opened->starttls);
}

TEST(SmtpClient, ARefusingGreetingIsAFailureWithTheServersReply) {
    auto opened = openWith(withGreeting("554 5.3.2 not accepting mail\r\n"));
    ASSERT_FALSE(opened.ok());
    EXPECT_EQ(opened.failure().toString(), "greeting: 554 5.3.2 not accepting mail");
    EXPECT_TRUE(opened.failure().permanent());
}

TEST(SmtpClient, AGarbageGreetingIsATemporaryProtocolError) {
    auto opened = openWith(withGreeting("hello there\r\n"));
    ASSERT_FALSE(opened.ok());
    EXPECT_EQ(opened.failure().stage, SmtpStage::Greeting);
    EXPECT_NE(opened.failure().error.find("protocol error"), std::string::npos);
    EXPECT_FALSE(opened.failure().permanent());
}

TEST(SmtpClient, AnOversizeReplyLineIsAProtocolError) {
    auto opened = openWith(withGreeting("220 " + std::string(3000, 'x') + "\r\n"));
    ASSERT_FALSE(opened.ok());
    EXPECT_EQ(opened.failure().error, "protocol error: reply line longer than 2000 bytes");
}

TEST(SmtpClient, ATwoMegabyteBannerWithoutANewlineIsRefusedEarly) {
    auto opened = openWith(withGreeting("220 " + std::string(2 * 1024 * 1024, 'x')));
    ASSERT_FALSE(opened.ok());
    EXPECT_EQ(opened.failure().stage, SmtpStage::Greeting);
    EXPECT_NE(opened.failure().error.find("longer than 2000"), std::string::npos);
}

TEST(SmtpClient, ASilentServerTimesOutAtTheGreeting) {
    SmtpClientSettings settings = fakeServerClientSettings();
    settings.greeting_timeout_ms = 200;
    auto opened = openWith(withGreeting("<hang>"), settings);
    ASSERT_FALSE(opened.ok());
    EXPECT_EQ(opened.failure().toString(), "greeting: timed out after 200 ms");
}

TEST(SmtpClient, AConnectionClosedAtEhloSaysSo) {
    FakeSmtpScript script;
    script.ehlo = "<close>";
    auto opened = openWith(script);
    ASSERT_FALSE(opened.ok());
    EXPECT_EQ(opened.failure().toString(), "ehlo: connection closed by the server");
}

TEST(SmtpClient, FallsBackToHeloWhenEhloIsRefused) {
    FakeSmtpScript script;
    script.ehlo = "502 5.5.1 what?\r\n";
    FakeSmtpServer server(script);
    auto mail = runBlocking([&]() -> boost::asio::awaitable<SmtpResult<SmtpServerReply>> {
        auto executor = co_await boost::asio::this_coro::executor;
        SmtpClient client(executor, fakeServerClientSettings());
        SmtpServer address = loopbackServer(server.port());
        auto opened = co_await client.open(address);
        if (!opened) {
            co_return opened.failure();
        }
        EXPECT_FALSE(opened->extended);
        SmtpMailParameters parameters{100, true, false};
        co_return co_await client.mailFrom("a@example.test", parameters);
    }());
    ASSERT_TRUE(mail.ok()) << mail.failure().toString();
    auto commands = server.record().commands;
    std::vector<std::string> expected = {"EHLO gateway.example.test", "HELO gateway.example.test",
                                         "MAIL FROM:<a@example.test>"};
    EXPECT_EQ(commands, expected) << "no SIZE or BODY to a server that only speaks HELO";
}

TEST(SmtpClient, ProbesSeveralRecipientsOnOneConnectionWithRsetBetween) {
    FakeSmtpScript script;
    script.answers = {{"RCPT TO:<nobody@", "550 5.1.1 <nobody@example.test>: user unknown\r\n"},
                      {"RCPT TO:<busy@", "450 4.2.1 try again\r\n"}};
    FakeSmtpServer server(script);
    std::vector<std::string> answers =
        runBlocking([&]() -> boost::asio::awaitable<std::vector<std::string>> {
            auto executor = co_await boost::asio::this_coro::executor;
            SmtpClient client(executor, fakeServerClientSettings());
            SmtpServer address = loopbackServer(server.port());
            std::vector<std::string> seen;
            auto opened = co_await client.open(address);
            EXPECT_TRUE(opened.ok());
            std::vector<std::string> probes = {"user@example.test", "nobody@example.test",
                                               "busy@example.test"};
            for (const auto& recipient : probes) {
                auto mail = co_await client.mailFrom("");
                EXPECT_TRUE(mail.ok());
                auto rcpt = co_await client.rcptTo(recipient);
                seen.push_back(rcpt ? rcpt->toString() : rcpt.failure().toString());
                auto reset = co_await client.reset();
                EXPECT_TRUE(reset.ok());
            }
            EXPECT_TRUE(client.connected());
            auto quit = co_await client.quit();
            EXPECT_TRUE(quit.ok());
            EXPECT_FALSE(client.connected());
            co_return seen;
        }());
    std::vector<std::string> expected = {"250 2.0.0 Ok",
                                         "rcpt: 550 5.1.1 <nobody@example.test>: user unknown",
                                         "rcpt: 450 4.2.1 try again"};
    EXPECT_EQ(answers, expected);
    auto record = server.record();
    EXPECT_EQ(record.connections, 1);
    EXPECT_EQ(std::count(record.commands.begin(), record.commands.end(), "RSET"), 3);
}

TEST(SmtpClient, A421ClosesTheSession) {
    auto outcome = rcptAnsweredWith("421 4.3.2 shutting down\r\n");
    ASSERT_FALSE(outcome.reply.ok());
    EXPECT_EQ(outcome.reply.failure().toString(), "rcpt: 421 4.3.2 shutting down");
    EXPECT_FALSE(outcome.reply.failure().permanent());
    EXPECT_FALSE(outcome.connected_after);
}

TEST(SmtpClient, AnUnexpectedSuccessCodeIsATemporaryFailureAndClosesTheSession) {
    auto outcome = rcptAnsweredWith("354 go ahead\r\n");
    ASSERT_FALSE(outcome.reply.ok());
    EXPECT_EQ(outcome.reply.failure().toString(), "rcpt: 354 go ahead (unexpected reply)");
    EXPECT_FALSE(outcome.reply.failure().permanent());
    EXPECT_FALSE(outcome.connected_after);
}

TEST(SmtpClient, ARefusedRecipientLeavesTheSessionOpen) {
    auto outcome = rcptAnsweredWith("550 5.1.1 unknown user\r\n");
    ASSERT_FALSE(outcome.reply.ok());
    EXPECT_TRUE(outcome.reply.failure().permanent());
    EXPECT_TRUE(outcome.connected_after);
}

TEST(SmtpClient, RefusesAddressesThatWouldInjectCommands) {
    FakeSmtpServer server(FakeSmtpScript{});
    auto outcome = runBlocking([&]() -> boost::asio::awaitable<std::vector<std::string>> {
        auto executor = co_await boost::asio::this_coro::executor;
        SmtpClient client(executor, fakeServerClientSettings());
        SmtpServer address = loopbackServer(server.port());
        auto opened = co_await client.open(address);
        EXPECT_TRUE(opened.ok());
        std::vector<std::string> failures;
        auto mail = co_await client.mailFrom("a@example.test>\r\nRCPT TO:<victim@example.test");
        failures.push_back(mail ? "sent" : mail.failure().toString());
        auto goodMail = co_await client.mailFrom("a@example.test");
        EXPECT_TRUE(goodMail.ok());
        auto rcpt = co_await client.rcptTo("b@example.test\nDATA");
        failures.push_back(rcpt ? "sent" : rcpt.failure().toString());
        co_return failures;
    }());
    EXPECT_EQ(outcome[0], "mail: sender address with a control byte or bracket");
    EXPECT_EQ(outcome[1], "rcpt: recipient address empty or with a control byte or bracket");
    auto commands = server.record().commands;
    std::vector<std::string> expected = {"EHLO gateway.example.test", "MAIL FROM:<a@example.test>"};
    EXPECT_EQ(commands, expected);
}

TEST(SmtpClient, InvalidSettingsFailBeforeConnecting) {
    FakeSmtpServer server(FakeSmtpScript{});
    auto opened = runBlocking([&]() -> boost::asio::awaitable<SmtpResult<SmtpCapabilities>> {
        SmtpClientSettings settings = fakeServerClientSettings();
        settings.command_timeout_ms = 0;
        auto executor = co_await boost::asio::this_coro::executor;
        SmtpClient client(executor, settings);
        SmtpServer address = loopbackServer(server.port());
        co_return co_await client.open(address);
    }());
    ASSERT_FALSE(opened.ok());
    EXPECT_EQ(opened.failure().toString(),
              "connect: invalid settings: command_timeout_ms must be positive");
    EXPECT_EQ(server.record().connections, 0);
}

TEST(SmtpClient, StepsWithoutAConnectionFailAsNotConnected) {
    auto rcpt = runBlocking([]() -> boost::asio::awaitable<SmtpResult<SmtpServerReply>> {
        auto executor = co_await boost::asio::this_coro::executor;
        SmtpClient client(executor, fakeServerClientSettings());
        co_return co_await client.rcptTo("b@example.test");
    }());
    ASSERT_FALSE(rcpt.ok());
    EXPECT_EQ(rcpt.failure().toString(), "rcpt: not connected");
}
