// Unit tests of reading RFC 5322 date-times (gateway/mime/MailDate), obsolete forms and
// hostile text included.
#include <gtest/gtest.h>

#include <string>

#include "gateway/mime/MailDate.hpp"

namespace mailgate {
namespace {

std::int64_t utc(const char* text) {
    auto date = parseMailDate(text);
    EXPECT_TRUE(date.ok()) << text << ": " << (date ? "" : date.error());
    return date ? date->utc_seconds : -1;
}

TEST(MailDate, TheUsualFormAndItsZone) {
    // 2026-12-01 08:00:00 +0100 is 07:00 UTC, 20788 days after 1970-01-01.
    EXPECT_EQ(utc("Tue, 1 Dec 2026 08:00:00 +0100"), 20788LL * 86400 + 7 * 3600);
    auto date = parseMailDate("Tue, 01 Dec 2026 08:00:00 +0530");
    ASSERT_TRUE(date.ok());
    EXPECT_EQ(date->zone_minutes, 330);
    EXPECT_EQ(utc("Thu, 1 Jan 1970 00:00:00 +0000"), 0);
    EXPECT_EQ(utc("29 Feb 2024 12:00 -0000"), utc("Thu, 29 Feb 2024 12:00:00 GMT"));
}

TEST(MailDate, ObsoleteFormsReadersMustAccept) {
    EXPECT_EQ(utc("1 Dec 02 08:00:00 EST"), utc("Sun, 1 Dec 2002 13:00:00 +0000"));
    EXPECT_EQ(utc("1 Dec 99 08:00 PDT"), utc("1 Dec 1999 15:00 +0000"));
    EXPECT_EQ(utc("1 Dec 102 08:00 UT"), utc("1 Dec 2002 08:00 +0000"));
    EXPECT_EQ(utc("Sun,  1 Dec 2002  08:00:00  -0500 (EST)"), utc("1 Dec 2002 13:00 +0000"));
    EXPECT_EQ(utc("1 Dec 2002 08:00:00 Z"), utc("1 Dec 2002 08:00 +0000"));
    EXPECT_EQ(utc("Sunday, 1 December 2002 08:00:00 +0000"), utc("1 Dec 2002 08:00 +0000"));
}

TEST(MailDate, WhatIsNotADateIsRefusedWithWhy) {
    for (const char* bad :
         {"", "yesterday", "Tue, 1 Dec", "32 Dec 2002 08:00 +0000", "29 Feb 2023 08:00 +0000",
          "1 Foo 2002 08:00 +0000", "1 Dec 2002 25:00 +0000", "1 Dec 2002 08:00",
          "1 Dec 2002 08:00 +01", "1 Dec 1850 08:00 +0000", "1 Dec 2002 8h00 +0000",
          "((((((((((( unclosed"}) {
        auto date = parseMailDate(bad);
        EXPECT_FALSE(date.ok()) << bad;
        if (!date.ok()) {
            EXPECT_FALSE(date.error().empty());
        }
    }
    EXPECT_FALSE(parseMailDate(std::string(100000, '1')).ok());
}

}  // namespace
}  // namespace mailgate
