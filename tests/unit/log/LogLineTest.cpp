// Unit tests of key=value log formatting (F2, docs/features.md): hostile values cannot add fields
// or lines.
#include <gtest/gtest.h>

#include "gateway/log/LogLine.hpp"

using namespace mailgate;

TEST(LogLine, PlainValuesStayBare) {
    LogLine line("policy_decision");
    line.add("queue_id", "4XyZ1").add("count", 3).add("ok", true);
    EXPECT_EQ(line.text(), "event=policy_decision queue_id=4XyZ1 count=3 ok=yes");
}

TEST(LogLine, EmptyAndBlankValuesAreQuoted) {
    LogLine line("x");
    line.add("sender", "").add("reason", "no such user");
    EXPECT_EQ(line.text(), "event=x sender=\"\" reason=\"no such user\"");
}

TEST(LogLine, HostileValuesCannotForgeFieldsOrLines) {
    LogLine line("x");
    line.add("helo", std::string_view("a action=accept\nevent=forged \"q\" \\ \x01\x7f\0z", 39));
    EXPECT_EQ(line.text(),
              R"(event=x helo="a action=accept\nevent=forged \"q\" \\ \x01\x7f\x00z")");
    EXPECT_EQ(line.text().find('\n'), std::string::npos);
}

TEST(LogLine, EightBitBytesPassThrough) {
    EXPECT_EQ(formatLogValue("J\xc3\xbcrgen"), "J\xc3\xbcrgen");
}
