// Tests of deliverMessage (issue 14: release proves delivery) against a scripted SMTP server
// on loopback: the success path with its exact wire bytes, per-recipient RCPT answers, and
// every way the transaction can end without a 250 to the final dot (refused recipients,
// 554 to DATA, a dropped connection mid-DATA, a server that never answers, a refused
// connection). "Delivered" must never be said without that 250.
#include <gtest/gtest.h>

#include "gateway/smtp/SmtpDelivery.hpp"
#include "gateway/util/RunBlocking.hpp"
#include "tests/support/RedisServerProcess.hpp"
#include "tests/unit/smtp/FakeSmtpServer.hpp"

using namespace mailgate;
using mailgate::testing::fakeServerClientSettings;
using mailgate::testing::FakeSmtpScript;
using mailgate::testing::FakeSmtpServer;
using mailgate::testing::loopbackServer;

namespace {

const char* kMessage = "From: a@example.test\nSubject: hi\n\n.starts with a dot\nend";

SmtpDeliveryReport deliver(const FakeSmtpServer& server, std::vector<std::string> recipients,
                           SmtpClientSettings settings = fakeServerClientSettings()) {
    return runBlocking(deliverMessage(std::move(settings), loopbackServer(server.port()),
                                      "a@example.test", std::move(recipients), kMessage));
}

FakeSmtpScript scriptAnswering(std::string prefix, std::string reply) {
    FakeSmtpScript script;
    script.answers.emplace_back(std::move(prefix), std::move(reply));
    return script;
}

}  // namespace

TEST(SmtpDelivery, DeliversWithCrlfAndDotStuffingAndSaysSoOnlyAfter250) {
    FakeSmtpServer server(FakeSmtpScript{});
    auto report = deliver(server, {"b@example.test", "c@example.test"});
    ASSERT_TRUE(report.delivered()) << report.failure->toString();
    EXPECT_TRUE(report.deliveredTo("b@example.test"));
    EXPECT_TRUE(report.deliveredTo("c@example.test"));
    EXPECT_FALSE(report.deliveredTo("d@example.test"));
    EXPECT_EQ(report.final_reply->toString(), "250 2.0.0 queued as FAKE1");

    auto record = server.record();
    ASSERT_EQ(record.messages.size(), 1u);
    EXPECT_EQ(record.messages[0],
              "From: a@example.test\r\nSubject: hi\r\n\r\n..starts with a dot\r\nend\r\n");
    std::vector<std::string> expected = {"EHLO gateway.example.test",
                                         "MAIL FROM:<a@example.test> SIZE=62",
                                         "RCPT TO:<b@example.test>",
                                         "RCPT TO:<c@example.test>",
                                         "DATA",
                                         "QUIT"};
    EXPECT_EQ(record.commands, expected);
    EXPECT_EQ(record.connections, 1);
}

TEST(SmtpDelivery, AsksFor8BitMimeOnlyForAn8BitMessageAndWhenOffered) {
    FakeSmtpServer server(FakeSmtpScript{});
    auto report =
        runBlocking(deliverMessage(fakeServerClientSettings(), loopbackServer(server.port()), "",
                                   {"b@example.test"}, "Subject: caf\xc3\xa9\r\n\r\n"));
    ASSERT_TRUE(report.delivered());
    EXPECT_EQ(server.record().commands.at(1), "MAIL FROM:<> SIZE=18 BODY=8BITMIME");

    FakeSmtpScript plain;
    plain.ehlo = "250-old.example.test\r\n250 8BITMIME\r\n";
    FakeSmtpServer old(plain);
    report = runBlocking(deliverMessage(fakeServerClientSettings(), loopbackServer(old.port()), "",
                                        {"b@example.test"}, "ascii\r\n"));
    ASSERT_TRUE(report.delivered());
    EXPECT_EQ(old.record().commands.at(1), "MAIL FROM:<>");
}

TEST(SmtpDelivery, ReportsEachRecipientsAnswerAndDeliversToTheAcceptedOnes) {
    FakeSmtpServer server(
        scriptAnswering("RCPT TO:<full@", "452-4.2.2 mailbox full\r\n452 4.2.2 try later\r\n"));
    auto report = deliver(server, {"full@example.test", "b@example.test"});
    ASSERT_TRUE(report.delivered());
    EXPECT_FALSE(report.deliveredTo("full@example.test"));
    EXPECT_TRUE(report.deliveredTo("b@example.test"));
    ASSERT_TRUE(report.recipients[0].reply.has_value());
    EXPECT_EQ(report.recipients[0].reply->toString(), "452 4.2.2 mailbox full try later");
    EXPECT_EQ(report.recipients[1].reply->code, 250);
}

TEST(SmtpDelivery, EveryRecipientRefusedMeansNoDataAndATemporaryFailureWhenOneWas4xx) {
    FakeSmtpScript script = scriptAnswering("RCPT TO:<full@", "452 4.2.2 mailbox full\r\n");
    script.answers.emplace_back("RCPT", "550 5.1.1 unknown user\r\n");
    FakeSmtpServer server(script);
    auto report = deliver(server, {"nobody@example.test", "full@example.test"});
    EXPECT_FALSE(report.delivered());
    ASSERT_TRUE(report.failure.has_value());
    EXPECT_EQ(report.failure->stage, SmtpStage::Rcpt);
    EXPECT_FALSE(report.failure->permanent());
    EXPECT_EQ(report.failure->toString(), "rcpt: 452 4.2.2 mailbox full (no recipient accepted)");
    auto commands = server.record().commands;
    EXPECT_EQ(std::count(commands.begin(), commands.end(), "DATA"), 0);
    EXPECT_EQ(commands.back(), "QUIT");
}

TEST(SmtpDelivery, A554ToDataIsAPermanentFailureAtData) {
    FakeSmtpServer server(scriptAnswering("DATA", "554 5.7.1 no thanks\r\n"));
    auto report = deliver(server, {"b@example.test"});
    EXPECT_FALSE(report.delivered());
    EXPECT_FALSE(report.deliveredTo("b@example.test"));
    ASSERT_TRUE(report.failure.has_value());
    EXPECT_EQ(report.failure->stage, SmtpStage::Data);
    EXPECT_TRUE(report.failure->permanent());
    EXPECT_EQ(report.failure->reply->toString(), "554 5.7.1 no thanks");
    EXPECT_TRUE(server.record().messages.empty());
}

TEST(SmtpDelivery, ARefusalAfterTheFinalDotIsNotADelivery) {
    FakeSmtpScript script;
    script.final_dot = "452 4.3.1 insufficient system storage\r\n";
    FakeSmtpServer server(script);
    auto report = deliver(server, {"b@example.test"});
    EXPECT_FALSE(report.delivered());
    EXPECT_EQ(report.failure->stage, SmtpStage::FinalDot);
    EXPECT_FALSE(report.failure->permanent());
    EXPECT_EQ(report.final_reply->code, 452);
}

TEST(SmtpDelivery, AnotherSuccessCodeAfterTheFinalDotIsNotADeliveryEither) {
    FakeSmtpScript script;
    script.final_dot = "251 odd\r\n";
    FakeSmtpServer server(script);
    auto report = deliver(server, {"b@example.test"});
    EXPECT_FALSE(report.delivered());
    EXPECT_EQ(report.failure->toString(), "final_dot: 251 odd (unexpected reply)");
    EXPECT_FALSE(report.failure->permanent());
}

TEST(SmtpDelivery, AConnectionDroppedMidDataIsATemporaryFailure) {
    FakeSmtpServer server(scriptAnswering("DATA", "<close-in-data>"));
    auto report = deliver(server, {"b@example.test"});
    EXPECT_FALSE(report.delivered());
    ASSERT_TRUE(report.failure.has_value());
    EXPECT_TRUE(report.failure->stage == SmtpStage::DataBlock ||
                report.failure->stage == SmtpStage::FinalDot)
        << report.failure->toString();
    EXPECT_FALSE(report.failure->permanent());
    EXPECT_FALSE(report.final_reply.has_value());
}

TEST(SmtpDelivery, AServerThatNeverAnswersTheFinalDotTimesOut) {
    FakeSmtpScript script;
    script.final_dot = "<hang>";
    FakeSmtpServer server(script);
    SmtpClientSettings settings = fakeServerClientSettings();
    settings.final_dot_timeout_ms = 300;
    auto report = deliver(server, {"b@example.test"}, settings);
    EXPECT_FALSE(report.delivered());
    EXPECT_EQ(report.failure->toString(), "final_dot: timed out after 300 ms");
    EXPECT_FALSE(report.failure->permanent());
}

TEST(SmtpDelivery, ARefusedConnectionIsATemporaryFailureAtConnect) {
    auto port = static_cast<std::uint16_t>(mailgate::testing::freeLoopbackPort());
    auto report = runBlocking(deliverMessage(fakeServerClientSettings(), loopbackServer(port),
                                             "a@example.test", {"b@example.test"}, kMessage));
    EXPECT_FALSE(report.delivered());
    ASSERT_TRUE(report.failure.has_value());
    EXPECT_EQ(report.failure->stage, SmtpStage::Connect);
    EXPECT_FALSE(report.failure->permanent());
    EXPECT_NE(report.failure->error.find("refused"), std::string::npos) << report.failure->error;
    EXPECT_FALSE(report.recipients[0].reply.has_value());
}

TEST(SmtpDelivery, NoRecipientsIsAFailureWithoutConnecting) {
    FakeSmtpServer server(FakeSmtpScript{});
    auto report = deliver(server, {});
    EXPECT_FALSE(report.delivered());
    EXPECT_EQ(report.failure->stage, SmtpStage::Rcpt);
    EXPECT_EQ(server.record().connections, 0);
}
