// Unit tests of the SMTP reply reader (issues 14 and 16: the SMTP client of release and
// callouts): single- and multi-line replies fed whole or byte by byte, CRLF and bare LF,
// enhanced status codes, and the malformed, oversize and endless replies it must refuse.
// Also the reply classes and the failure text built from them.
#include <gtest/gtest.h>

#include "gateway/smtp/SmtpFailure.hpp"
#include "gateway/smtp/SmtpReplyReader.hpp"

using namespace mailgate;

namespace {

// The replies in `input` and the error that ended the reading, if any.
struct ReadOutcome {
    std::vector<SmtpServerReply> replies;
    std::string error;
};

ReadOutcome readAll(std::string_view input, SmtpReplyLimits limits = {}) {
    SmtpReplyReader reader(limits);
    reader.feed(input);
    ReadOutcome outcome;
    while (true) {
        auto next = reader.next();
        if (!next) {
            outcome.error = next.error();
            return outcome;
        }
        if (!next->has_value()) {
            return outcome;
        }
        outcome.replies.push_back(std::move(**next));
    }
}

SmtpServerReply readOne(std::string_view input) {
    auto outcome = readAll(input);
    EXPECT_EQ(outcome.error, "");
    EXPECT_EQ(outcome.replies.size(), 1u);
    return outcome.replies.empty() ? SmtpServerReply{} : outcome.replies.front();
}

}  // namespace

TEST(SmtpReplyReader, ReadsASingleLineReplyWithItsEnhancedStatus) {
    auto reply = readOne("452 4.2.2 mailbox full\r\n");
    EXPECT_EQ(reply.code, 452);
    EXPECT_EQ(reply.enhanced_status, "4.2.2");
    EXPECT_EQ(reply.text(), "mailbox full");
    EXPECT_EQ(reply.toString(), "452 4.2.2 mailbox full");
    EXPECT_EQ(reply.replyClass(), SmtpReplyClass::TemporaryFailure);
}

TEST(SmtpReplyReader, ReadsAMultiLineReplyFedByteByByte) {
    std::string input = "250-mail.example.test Hello\r\n250-SIZE 1000\r\n250 8BITMIME\r\n";
    SmtpReplyReader reader;
    std::optional<SmtpServerReply> reply;
    for (char c : input) {
        ASSERT_FALSE(reply.has_value()) << "a reply before its last line";
        reader.feed(std::string_view(&c, 1));
        auto next = reader.next();
        ASSERT_TRUE(next.ok()) << next.error();
        reply = std::move(*next);
    }
    ASSERT_TRUE(reply.has_value());
    EXPECT_EQ(reply->code, 250);
    EXPECT_EQ(reply->lines,
              (std::vector<std::string>{"mail.example.test Hello", "SIZE 1000", "8BITMIME"}));
    EXPECT_EQ(reader.pendingBytes(), 0u);
}

TEST(SmtpReplyReader, ToleratesBareLineFeedsAndACodeAlone) {
    auto outcome = readAll("220-first\n220 second\n250\r\n");
    ASSERT_EQ(outcome.error, "");
    ASSERT_EQ(outcome.replies.size(), 2u);
    EXPECT_EQ(outcome.replies[0].lines, (std::vector<std::string>{"first", "second"}));
    EXPECT_EQ(outcome.replies[1].code, 250);
    EXPECT_EQ(outcome.replies[1].toString(), "250");
}

TEST(SmtpReplyReader, TakesTheEnhancedStatusOffEveryLineThatRepeatsIt) {
    auto reply = readOne("550-5.1.1 no such user\r\n550 5.1.1 here\r\n");
    EXPECT_EQ(reply.enhanced_status, "5.1.1");
    EXPECT_EQ(reply.text(), "no such user here");
}

TEST(SmtpReplyReader, IgnoresAnEnhancedStatusOfAnotherClassOrShape) {
    EXPECT_EQ(readOne("250 5.1.1 odd\r\n").enhanced_status, "");
    EXPECT_EQ(readOne("250 2.1.1234 odd\r\n").enhanced_status, "");
    EXPECT_EQ(readOne("250 2.1.0Ok\r\n").enhanced_status, "");
    EXPECT_EQ(readOne("250 2.1.0\r\n").enhanced_status, "2.1.0");
    EXPECT_EQ(readOne("354 go ahead\r\n").enhanced_status, "");
}

TEST(SmtpReplyReader, WaitsForTheLastLineOfAReply) {
    SmtpReplyReader reader;
    reader.feed("250-one\r\n250-two\r\n");
    auto next = reader.next();
    ASSERT_TRUE(next.ok());
    EXPECT_FALSE(next->has_value());
    reader.feed("250 three\r");
    EXPECT_FALSE(reader.next()->has_value());
    reader.feed("\n");
    next = reader.next();
    ASSERT_TRUE(next.ok() && next->has_value());
    EXPECT_EQ((*next)->lines.size(), 3u);
}

TEST(SmtpReplyReader, RefusesCodesThatAreNotThreeDigitsInRange) {
    EXPECT_NE(readAll("hello there\r\n").error, "");
    EXPECT_NE(readAll("25 short\r\n").error, "");
    EXPECT_NE(readAll("2x0 letters\r\n").error, "");
    EXPECT_NE(readAll("199 too low\r\n").error, "");
    EXPECT_NE(readAll("600 too high\r\n").error, "");
    EXPECT_NE(readAll("250x no separator\r\n").error, "");
    EXPECT_NE(readAll("\r\n").error, "");
}

TEST(SmtpReplyReader, RefusesMismatchedCodesWithinAReply) {
    auto outcome = readAll("250-first\r\n251 second\r\n");
    EXPECT_TRUE(outcome.replies.empty());
    EXPECT_NE(outcome.error.find("inside a 250 reply"), std::string::npos) << outcome.error;
}

TEST(SmtpReplyReader, BoundsTheLineLength) {
    std::string longest = "250 " + std::string(1996, 'x');
    EXPECT_EQ(readAll(longest + "\r\n").error, "");
    auto outcome = readAll(longest + "x\r\n");
    EXPECT_NE(outcome.error.find("longer than 2000"), std::string::npos) << outcome.error;
}

TEST(SmtpReplyReader, RefusesAnEndlessLineBeforeItEnds) {
    SmtpReplyReader reader;
    reader.feed("220 " + std::string(1990, 'x'));
    EXPECT_TRUE(reader.next().ok());
    reader.feed(std::string(20, 'x'));
    EXPECT_FALSE(reader.next().ok()) << "a 2 MB banner must not be buffered whole";
}

TEST(SmtpReplyReader, BoundsTheNumberOfLines) {
    std::string hundred;
    for (int i = 0; i < 99; ++i) {
        hundred += "250-line\r\n";
    }
    EXPECT_EQ(readAll(hundred + "250 last\r\n").error, "");
    auto outcome = readAll(hundred + "250-line\r\n250 last\r\n");
    EXPECT_NE(outcome.error.find("more than 100 lines"), std::string::npos) << outcome.error;
    EXPECT_NE(readAll("250-a\r\n250 b\r\n", SmtpReplyLimits{2000, 1}).error, "");
}

TEST(SmtpReplyReader, ReadsRepliesThatArriveTogether) {
    auto outcome = readAll("250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n354 go\r\n");
    ASSERT_EQ(outcome.replies.size(), 3u);
    EXPECT_EQ(outcome.replies[2].code, 354);
    EXPECT_EQ(outcome.replies[2].replyClass(), SmtpReplyClass::Intermediate);
}

TEST(SmtpReplyReader, ClearForgetsAPartialReply) {
    SmtpReplyReader reader;
    reader.feed("250-half\r\n250 rest");
    EXPECT_FALSE(reader.next()->has_value());
    reader.clear();
    EXPECT_EQ(reader.pendingBytes(), 0u);
    reader.feed("220 fresh\r\n");
    auto next = reader.next();
    ASSERT_TRUE(next.ok() && next->has_value());
    EXPECT_EQ((*next)->lines, std::vector<std::string>{"fresh"});
}

TEST(SmtpReplyClass, SortsCodesAndCountsNonsenseAsTemporary) {
    EXPECT_EQ(smtpReplyClass(250), SmtpReplyClass::Success);
    EXPECT_EQ(smtpReplyClass(354), SmtpReplyClass::Intermediate);
    EXPECT_EQ(smtpReplyClass(421), SmtpReplyClass::TemporaryFailure);
    EXPECT_EQ(smtpReplyClass(550), SmtpReplyClass::PermanentFailure);
    EXPECT_EQ(smtpReplyClass(0), SmtpReplyClass::TemporaryFailure);
    EXPECT_STREQ(smtpReplyClassName(SmtpReplyClass::PermanentFailure), "permanent");
}

TEST(SmtpFailure, OnlyAPermanentReplyMakesAPermanentFailure) {
    SmtpFailure refused{SmtpStage::Rcpt, readOne("550 5.1.1 unknown user\r\n"), ""};
    EXPECT_TRUE(refused.permanent());
    EXPECT_EQ(refused.toString(), "rcpt: 550 5.1.1 unknown user");

    SmtpFailure full{SmtpStage::Rcpt, readOne("452 4.2.2 mailbox full\r\n"), ""};
    EXPECT_EQ(full.replyClass(), SmtpReplyClass::TemporaryFailure);

    SmtpFailure refusedConnection{SmtpStage::Connect, std::nullopt, "Connection refused"};
    EXPECT_FALSE(refusedConnection.permanent());
    EXPECT_EQ(refusedConnection.toString(), "connect: Connection refused");

    SmtpFailure odd{SmtpStage::FinalDot, readOne("251 odd\r\n"), "unexpected reply"};
    EXPECT_FALSE(odd.permanent());
    EXPECT_EQ(odd.toString(), "final_dot: 251 odd (unexpected reply)");
}
