// Unit tests of the SPF record parser: record selection, every mechanism and modifier
// form, CIDR lengths, and the syntax errors that make a record permerror.
#include <gtest/gtest.h>

#include "gateway/spf/SpfRecord.hpp"

namespace mailgate {
namespace {

SpfRecord parsed(const std::string& text) {
    auto record = parseSpfRecord(text);
    EXPECT_TRUE(record.ok()) << text << ": " << (record.ok() ? "" : record.error());
    return record.ok() ? *record : SpfRecord{};
}

std::string errorOf(const std::string& text) {
    auto record = parseSpfRecord(text);
    EXPECT_FALSE(record.ok()) << text << " should be malformed";
    return record.ok() ? "" : record.error();
}

TEST(SpfRecordTest, SelectsOnlyVersionOneRecords) {
    EXPECT_TRUE(isSpfRecord("v=spf1"));
    EXPECT_TRUE(isSpfRecord("V=SPF1 -all"));
    EXPECT_FALSE(isSpfRecord("v=spf10 -all"));
    EXPECT_FALSE(isSpfRecord("v=spf1-all"));
    EXPECT_FALSE(isSpfRecord(" v=spf1 -all"));
    EXPECT_FALSE(isSpfRecord("spf2.0/pra -all"));
}

TEST(SpfRecordTest, ParsesEveryMechanismWithQualifiers) {
    auto record = parsed(
        "v=spf1 +all -include:_spf.example.com ~a ?a:mail.example.com/24 mx:example.org//64 "
        "ptr:example.net ip4:192.0.2.0/24 ip6:2001:db8::/32 exists:%{i}.bl.example.com");
    ASSERT_EQ(record.mechanisms.size(), 9u);
    EXPECT_EQ(record.mechanisms[0].kind, SpfMechanismKind::All);
    EXPECT_EQ(record.mechanisms[0].qualifier, SpfResultCode::Pass);
    EXPECT_EQ(record.mechanisms[1].qualifier, SpfResultCode::Fail);
    EXPECT_EQ(record.mechanisms[1].domain_spec, "_spf.example.com");
    EXPECT_EQ(record.mechanisms[2].qualifier, SpfResultCode::Softfail);
    EXPECT_EQ(record.mechanisms[2].domain_spec, "");
    EXPECT_EQ(record.mechanisms[3].qualifier, SpfResultCode::Neutral);
    EXPECT_EQ(record.mechanisms[3].ip4_prefix, 24u);
    EXPECT_EQ(record.mechanisms[4].ip6_prefix, 64u);
    EXPECT_EQ(record.mechanisms[4].ip4_prefix, 32u);
    EXPECT_EQ(record.mechanisms[5].kind, SpfMechanismKind::Ptr);
    EXPECT_EQ(record.mechanisms[6].network.toString(), "192.0.2.0/24");
    EXPECT_EQ(record.mechanisms[7].network.toString(), "2001:db8::/32");
    EXPECT_EQ(record.mechanisms[8].kind, SpfMechanismKind::Exists);
    EXPECT_EQ(countDnsTerms(record), 6);
}

TEST(SpfRecordTest, ParsesModifiersAndIgnoresUnknownOnes) {
    auto record = parsed("v=spf1 mx redirect=_spf.example.com exp=explain.%{d} moo=cow.%{s}");
    EXPECT_EQ(record.redirect.value_or(""), "_spf.example.com");
    EXPECT_EQ(record.explanation.value_or(""), "explain.%{d}");
    EXPECT_EQ(countDnsTerms(record), 2);
}

TEST(SpfRecordTest, AcceptsSeveralSpacesAndTrailingSpace) {
    EXPECT_EQ(parsed("v=spf1   a    -all  ").mechanisms.size(), 2u);
    EXPECT_TRUE(parsed("v=spf1").mechanisms.empty());
}

TEST(SpfRecordTest, DualCidrForAAndMx) {
    auto record = parsed("v=spf1 a/26//48 mx:example.com/30");
    EXPECT_EQ(record.mechanisms[0].ip4_prefix, 26u);
    EXPECT_EQ(record.mechanisms[0].ip6_prefix, 48u);
    EXPECT_EQ(record.mechanisms[1].ip4_prefix, 30u);
}

TEST(SpfRecordTest, RejectsMalformedRecords) {
    EXPECT_NE(errorOf("v=spf1 foo").find("unknown mechanism"), std::string::npos);
    errorOf("v=spf1 all:example.com");
    errorOf("v=spf1 include");
    errorOf("v=spf1 include:");
    errorOf("v=spf1 exists");
    errorOf("v=spf1 ip4:192.0.2.0/33");
    errorOf("v=spf1 ip4:192.0.2");
    errorOf("v=spf1 ip4:2001:db8::1");
    errorOf("v=spf1 ip6:192.0.2.1");
    errorOf("v=spf1 ip6:2001:db8::/129");
    errorOf("v=spf1 a/033");  // leading zero
    errorOf("v=spf1 a//129");
    errorOf("v=spf1 a:foo");          // no top-level label
    errorOf("v=spf1 a:example.123");  // numeric top-level label
    errorOf("v=spf1 a:%{x}.example.com");
    errorOf("v=spf1 a:%{d0}.example.com");
    errorOf("v=spf1 a:%{c}.example.com");  // c only in explanations
    errorOf("v=spf1 redirect=a.example.com redirect=b.example.com");
    errorOf("v=spf1 exp=a.example.com exp=b.example.com");
    errorOf("v=spf1 redirect=");
    errorOf("v=spf1 moo=%{z}");
    errorOf("v=spf1 a:example.com\r-all");
    errorOf(
        "v=spf1 \x80"
        "a -all");
    errorOf(std::string("v=spf1 a:example.com\0 -all", 26));
}

TEST(SpfRecordTest, NotAnSpfRecordIsAnError) {
    errorOf("v=spf2 -all");
}

}  // namespace
}  // namespace mailgate
