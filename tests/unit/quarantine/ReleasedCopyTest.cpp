// Tests of the released copy: delivery fields out (folded ones too, any case), one
// X-Mailgate-Released field in, the body and every other byte unchanged.
#include <gtest/gtest.h>

#include "gateway/quarantine/ReleasedCopy.hpp"

using namespace mailgate;

TEST(ReleasedCopy, DeliveryFieldsGoAndTheReleaseIsNamed) {
    std::string message =
        "Return-Path: <bounce@example.net>\r\n"
        "Received: from a by b;\r\n\tMon, 7 Dec 2026 10:00:00 +0000\r\n"
        "delivered-to: alice@example.com\r\n"
        "Delivered-To: someone\r\n  folded@example.com\r\n"
        "Subject: hello\r\n"
        "\r\n"
        "Return-Path: in the body stays\r\n";
    std::string copy = releasedCopy(message, "cli:root", 0, "ABC123");
    EXPECT_EQ(copy,
              "X-Mailgate-Released: Thu, 01 Jan 1970 00:00:00 +0000 by cli:root (quarantine "
              "entry ABC123)\r\n"
              "Received: from a by b;\r\n\tMon, 7 Dec 2026 10:00:00 +0000\r\n"
              "Subject: hello\r\n"
              "\r\n"
              "Return-Path: in the body stays\r\n");
}

TEST(ReleasedCopy, BareLineEndsAndNoBodyAreKeptAsTheyAre) {
    EXPECT_EQ(releasedCopy("Subject: x\nReturn-Path: <>\n\nbody\n", "u", 0, "I"),
              releasedField("u", 0, "I") + "\r\nSubject: x\n\nbody\n");
    EXPECT_EQ(releasedCopy("Subject: only headers", "u", 0, "I"),
              releasedField("u", 0, "I") + "\r\nSubject: only headers");
}

TEST(ReleasedCopy, TheActorCannotAddHeaderLines) {
    std::string field = releasedField("eve\r\nBcc: victim@example.com", 0, "I\n");
    EXPECT_EQ(field.find('\n'), std::string::npos);
    EXPECT_EQ(field.find('\r'), std::string::npos);
}
