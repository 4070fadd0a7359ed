// Unit tests of what the SMTP client puts on the wire and reads from EHLO: the DATA block
// (dot-stuffing, every line ending made CRLF, the final dot), the MAIL FROM parameters a
// message needs, the EHLO keywords, and the settings it refuses.
#include <gtest/gtest.h>

#include "gateway/smtp/SmtpCapabilities.hpp"
#include "gateway/smtp/SmtpClient.hpp"
#include "gateway/smtp/SmtpDataBlock.hpp"
#include "tests/unit/smtp/FakeSmtpServer.hpp"

using namespace mailgate;

TEST(SmtpDataBlock, DoublesADotAtTheStartOfALine) {
    auto block = SmtpDataBlock::encode(".hidden\r\nmiddle . dot\r\n.\r\n..two\r\n");
    EXPECT_EQ(block.bytes, "..hidden\r\nmiddle . dot\r\n..\r\n...two\r\n.\r\n");
    EXPECT_EQ(block.message_size, std::string(".hidden\r\nmiddle . dot\r\n.\r\n..two\r\n").size());
}

TEST(SmtpDataBlock, MakesBareLineFeedsAndCarriageReturnsCrlf) {
    auto block = SmtpDataBlock::encode("Subject: x\n\nline\r\nbare cr\rend\n.\nlast");
    EXPECT_EQ(block.bytes, "Subject: x\r\n\r\nline\r\nbare cr\r\nend\r\n..\r\nlast\r\n.\r\n");
}

TEST(SmtpDataBlock, CannotBeEndedEarlyByASmuggledDot) {
    // "\n.\n" and "\r.\r" are ends of data to some servers: here they stay inside.
    auto block = SmtpDataBlock::encode("a\n.\nMAIL FROM:<x>\r.\rb\r\n");
    EXPECT_EQ(block.bytes.find("\r\n.\r\n"), block.bytes.size() - 5);
}

TEST(SmtpDataBlock, EndsAnEmptyOrUnterminatedMessage) {
    EXPECT_EQ(SmtpDataBlock::encode("").bytes, ".\r\n");
    EXPECT_EQ(SmtpDataBlock::encode("").message_size, 0u);
    EXPECT_EQ(SmtpDataBlock::encode("no newline").bytes, "no newline\r\n.\r\n");
}

TEST(SmtpDataBlock, NoticesEightBitBytes) {
    EXPECT_FALSE(SmtpDataBlock::encode("plain ascii\r\n").eight_bit);
    EXPECT_TRUE(SmtpDataBlock::encode("caf\xc3\xa9\r\n").eight_bit);
}

TEST(SmtpMailParameters, AsksForWhatTheMessageAndAddressesNeed) {
    auto block = SmtpDataBlock::encode("caf\xc3\xa9\n");
    auto parameters = SmtpMailParameters::forMessage(block, "a@example.test", {"b@example.test"});
    EXPECT_EQ(parameters.size, 7u);
    EXPECT_TRUE(parameters.eight_bit);
    EXPECT_FALSE(parameters.smtputf8);
    auto international = SmtpMailParameters::forMessage(block, "", {"j\xc3\xb6rg@example.test"});
    EXPECT_TRUE(international.smtputf8);
}

TEST(SmtpCapabilities, ReadsTheKeywordsOfAnEhloReply) {
    SmtpServerReply reply;
    reply.code = 250;
    reply.lines = {"mail.example.test at your service",
                   "size 35882577",
                   "8BITMIME",
                   "STARTTLS",
                   "PIPELINING",
                   "SMTPUTF8",
                   "AUTH PLAIN LOGIN",
                   ""};
    auto capabilities = SmtpCapabilities::fromEhloReply(reply);
    EXPECT_TRUE(capabilities.extended);
    EXPECT_TRUE(capabilities.size);
    EXPECT_EQ(capabilities.max_size, 35882577u);
    EXPECT_TRUE(capabilities.eight_bit_mime);
    EXPECT_TRUE(capabilities.starttls);
    EXPECT_TRUE(capabilities.pipelining);
    EXPECT_TRUE(capabilities.smtputf8);
    EXPECT_TRUE(capabilities.has("auth"));
    EXPECT_FALSE(capabilities.has("CHUNKING"));
    EXPECT_EQ(capabilities.keywords.size(), 6u);
}

TEST(SmtpCapabilities, ToleratesASizeWithoutALimit) {
    SmtpServerReply reply;
    reply.code = 250;
    reply.lines = {"mx", "SIZE", "X-EXTENSION"};
    auto capabilities = SmtpCapabilities::fromEhloReply(reply);
    EXPECT_TRUE(capabilities.size);
    EXPECT_EQ(capabilities.max_size, 0u);
    EXPECT_FALSE(capabilities.starttls);
}

TEST(SmtpClientSettings, RefusesZeroTimeoutsAndOddHeloNames) {
    SmtpClientSettings settings = mailgate::testing::fakeServerClientSettings(1000);
    EXPECT_TRUE(validateSmtpClientSettings(settings).ok());
    auto noDot = settings;
    noDot.final_dot_timeout_ms = 0;
    EXPECT_EQ(validateSmtpClientSettings(noDot).error(), "final_dot_timeout_ms must be positive");
    auto blank = settings;
    blank.helo_name = "gate way";
    EXPECT_FALSE(validateSmtpClientSettings(blank).ok());
}
