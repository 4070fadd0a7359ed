// Unit tests of reading an mbox file message by message (gateway/message/MboxReader).
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "gateway/message/MboxReader.hpp"

namespace mailgate {
namespace {

std::vector<std::string> readAll(const std::string& mbox, std::size_t cap = 1 << 20,
                                 std::size_t* skipped = nullptr) {
    std::istringstream in(mbox);
    MboxReader reader(in, cap);
    std::vector<std::string> messages;
    while (auto message = reader.next()) {
        messages.push_back(*message);
    }
    if (skipped != nullptr) {
        *skipped = reader.skippedTooLarge();
    }
    return messages;
}

TEST(MboxReader, SplitsAtPostmarksAfterAnEmptyLine) {
    auto messages = readAll(
        "From alice@example.com Mon Dec  7 10:00:00 2026\n"
        "Subject: one\n\nbody\nFrom at a line's start, not after an empty line\n\n"
        "From bob@example.com Mon Dec  7 11:00:00 2026\n"
        "Subject: two\n\nbody\n");
    ASSERT_EQ(messages.size(), 2u);
    EXPECT_EQ(messages[0],
              "Subject: one\n\nbody\nFrom at a line's start, not after an empty line\n");
    EXPECT_EQ(messages[1], "Subject: two\n\nbody\n");
}

TEST(MboxReader, QuotedPostmarksLoseOneQuote) {
    auto messages = readAll("From x\nSubject: q\n\n>From here\n>>From there\n> From not\n");
    ASSERT_EQ(messages.size(), 1u);
    EXPECT_EQ(messages[0], "Subject: q\n\nFrom here\n>From there\n> From not\n");
}

TEST(MboxReader, CrLfLinesAndAMissingFinalNewline) {
    auto messages =
        readAll("From x\r\nSubject: a\r\n\r\nbody\r\n\r\nFrom y\r\nSubject: b\r\n\r\nend");
    ASSERT_EQ(messages.size(), 2u);
    EXPECT_EQ(messages[0], "Subject: a\n\nbody\n");
    EXPECT_EQ(messages[1], "Subject: b\n\nend\n");
}

TEST(MboxReader, EmptyOrPostmarkFreeInputHasNoMessages) {
    EXPECT_TRUE(readAll("").empty());
    EXPECT_TRUE(readAll("Subject: not an mbox\n\nbody\n").empty());
    EXPECT_TRUE(readAll("From x\n").empty());
    auto messages = readAll("From x\n\nFrom y\nSubject: b\n\n");
    ASSERT_EQ(messages.size(), 1u);
    EXPECT_EQ(messages[0], "Subject: b\n\n");
}

TEST(MboxReader, AMessageOverTheCapIsSkippedAndCounted) {
    std::string big = "From x\nSubject: big\n\n" + std::string(5000, 'a') + "\n\n";
    std::string small = "From y\nSubject: small\n\nok\n";
    std::size_t skipped = 0;
    auto messages = readAll(big + small + "\n" + big, 1000, &skipped);
    ASSERT_EQ(messages.size(), 1u);
    EXPECT_EQ(messages[0], "Subject: small\n\nok\n");
    EXPECT_EQ(skipped, 2u);
}

TEST(MboxReader, LooksLikeMbox) {
    EXPECT_TRUE(MboxReader::looksLikeMbox("From alice@example.com Mon"));
    EXPECT_FALSE(MboxReader::looksLikeMbox("From: alice@example.com"));
    EXPECT_FALSE(MboxReader::looksLikeMbox(""));
}

}  // namespace
}  // namespace mailgate
