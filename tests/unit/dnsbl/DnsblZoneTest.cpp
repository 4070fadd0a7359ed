// Unit tests of the DNS list spec syntax (DnsblZone::parse), including every malformed
// form the config loader must refuse, and of return-code matching (exact, octet ranges,
// bitmasks, the 127.0.0.0/8 rule).
#include <gtest/gtest.h>

#include "gateway/dnsbl/DnsblZone.hpp"

using namespace mailgate;

namespace {

IpAddress address(const char* text) {
    return *IpAddress::parse(text);
}

DnsblZone zone(const char* spec) {
    auto parsed = DnsblZone::parse(spec);
    EXPECT_TRUE(parsed.ok()) << spec << ": " << (parsed ? "" : parsed.error());
    return parsed ? *parsed : DnsblZone{};
}

}  // namespace

TEST(DnsblZone, PlainZoneTakesDefaultsAndDerivesItsLabel) {
    auto plain = zone("bl.example.org");
    EXPECT_EQ(plain.zone, "bl.example.org");
    EXPECT_EQ(plain.label, "BL_EXAMPLE_ORG");
    EXPECT_EQ(plain.weight, 1.0);
    EXPECT_EQ(plain.filter.kind(), ReturnCodeFilter::Kind::AnyListAnswer);
    EXPECT_EQ(zone("Bl.Example.ORG.").zone, "bl.example.org");
    EXPECT_EQ(DnsblZone::defaultLabel("dnsbl-1.uceprotect.net"), "DNSBL_1_UCEPROTECT_NET");
}

TEST(DnsblZone, LabelFilterAndWeight) {
    auto full = zone("spamhaus_zen:zen.spamhaus.org=127.0.0.[2..11]*3");
    EXPECT_EQ(full.label, "SPAMHAUS_ZEN");
    EXPECT_EQ(full.zone, "zen.spamhaus.org");
    EXPECT_EQ(full.weight, 3.0);
    EXPECT_EQ(full.filter.kind(), ReturnCodeFilter::Kind::Pattern);
    EXPECT_EQ(zone("bl.example.org*2").weight, 2.0);
    EXPECT_EQ(zone("bits.example.org&0.0.0.4*1.5").weight, 1.5);
    EXPECT_EQ(zone("wl.example.org*-5").weight, -5.0);
    EXPECT_EQ(zone("wl.example.org*-0.25").weight, -0.25);
    EXPECT_EQ(zone("bits.example.org&4").filter.kind(), ReturnCodeFilter::Kind::Bitmask);
}

TEST(DnsblZone, QueryNamesFollowRfc5782) {
    auto list = zone("dnsbl.test");
    EXPECT_EQ(list.queryName(address("127.0.0.2")), "2.0.0.127.dnsbl.test");
    EXPECT_EQ(list.queryName(address("::ffff:192.0.2.1")), "1.2.0.192.dnsbl.test");
    EXPECT_EQ(list.queryName(address("2001:db8::1")),
              "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.dnsbl.test");
}

TEST(DnsblZone, DescribeParsesBackToTheSameZone) {
    for (const char* spec :
         {"bl.example.org", "X:bl.example.org=127.0.0.2*3", "zen.spamhaus.org=127.0.0.[2..11]*3",
          "a.test=127.[0;1].0.[2..4;9;10..11]*-1.5", "b.test&0.0.0.12", "c.test&4*0.1", "Z*0.0006",
          "d.test*0.00000000000000000000000000000000000001"}) {
        auto first = zone(spec);
        auto again = zone(first.describe().c_str());
        EXPECT_EQ(again.describe(), first.describe()) << spec;
        EXPECT_EQ(again.zone, first.zone);
        EXPECT_EQ(again.label, first.label);
        EXPECT_EQ(again.weight, first.weight);
    }
    EXPECT_EQ(zone("zen.spamhaus.org=127.0.0.[2..11]*3").describe(),
              "ZEN_SPAMHAUS_ORG:zen.spamhaus.org=127.0.0.[2..11]*3");
    EXPECT_EQ(zone("b.test&4").describe(), "B_TEST:b.test&0.0.0.4");
}

TEST(DnsblZone, MalformedSpecsAreRefusedWithAReason) {
    for (const char* spec : {
             "",                               // nothing
             ":bl.example.org",                // empty label
             "BAD-LABEL:bl.example.org",       // label characters
             "A:B:bl.example.org",             // a second colon lands in the label
             "bl..example.org",                // empty DNS label
             ".bl.example.org",                //
             "bl.example.org..",               // two trailing dots (found by the fuzzer)
             "bl.exa mple.org",                // space
             "bl.example.org/24",              // not a name
             "bl.example.org*",                // weight missing
             "bl.example.org*x",               // weight not a number
             "bl.example.org*1e3",             // no exponents
             "bl.example.org*inf",             //
             "bl.example.org*1001",            // out of range
             "bl.example.org*1..5",            //
             "bl.example.org*--1",             //
             "bl.example.org*.5",              //
             "bl.example.org*5.",              //
             "bl.example.org*2*3",             // the last '*' is the weight, the rest the zone
             "bl.example.org=",                // empty return code
             "bl.example.org=127.0.0",         // three octets
             "bl.example.org=127.0.0.0.2",     // five
             "bl.example.org=127.0.0.256",     // octet too large
             "bl.example.org=127.0.0.2..4",    // range outside brackets
             "bl.example.org=127.0.0.[4..2]",  // empty range
             "bl.example.org=127.0.0.[2..]",   //
             "bl.example.org=127.0.0.[]",      //
             "bl.example.org=127.0.0.[2;;3]",  //
             "bl.example.org=127.0.0.[[2]]",   // nested
             "bl.example.org=127.0.0.[2",      // unbalanced
             "bl.example.org=127.0.0.2]",      //
             "bl.example.org=10.0.0.2",        // can never match a list answer
             "bl.example.org=-1.0.0.2",        //
             "bl.example.org&",                // empty mask
             "bl.example.org&0",               // no bit
             "bl.example.org&0.0.0.0",         //
             "bl.example.org&127.0.0.4",       // first octet would match everything
             "bl.example.org&16777216",        // reaches the first octet
             "bl.example.org&0.0.4",           // three octets
             "bl.example.org&0.0.0.x",         //
             "bl.example.org=127.0.0.2&4",     // both filters
             "bl.example.org&4=127.0.0.2",     //
             "=127.0.0.2",                     // no zone
             "*3",                             //
         }) {
        auto parsed = DnsblZone::parse(spec);
        EXPECT_FALSE(parsed.ok()) << "accepted \"" << spec << "\"";
        if (!parsed) {
            EXPECT_FALSE(parsed.error().empty());
        }
    }
    // The zone must leave room for the 64 bytes of a reversed IPv6 address.
    std::string longZone;
    while (longZone.size() < 190) {
        longZone += "abcdefghi.";
    }
    longZone += "test";
    EXPECT_FALSE(DnsblZone::parse(longZone).ok());
    auto error = DnsblZone::parse("bl.example.org=127.0.0.[4..2]");
    ASSERT_FALSE(error.ok());
    EXPECT_NE(error.error().find("bl.example.org=127.0.0.[4..2]"), std::string::npos);
}

TEST(DnsblZone, AnyListAnswerMeansAnyAddressIn127Slash8) {
    auto filter = ReturnCodeFilter::anyListAnswer();
    EXPECT_TRUE(filter.matches(address("127.0.0.2")));
    EXPECT_TRUE(filter.matches(address("127.255.255.254")));
    EXPECT_FALSE(filter.matches(address("10.0.0.2")));
    EXPECT_FALSE(filter.matches(address("128.0.0.2")));
    EXPECT_FALSE(filter.matches(address("::1")));
    EXPECT_TRUE(isListAnswerAddress(address("127.0.0.1")));
    EXPECT_FALSE(isListAnswerAddress(address("126.0.0.1")));
}

TEST(DnsblZone, ExactAndRangePatterns) {
    auto exact = zone("a.test=127.0.0.2").filter;
    EXPECT_TRUE(exact.matches(address("127.0.0.2")));
    EXPECT_FALSE(exact.matches(address("127.0.0.3")));
    EXPECT_FALSE(exact.matches(address("127.0.1.2")));
    auto zen = zone("zen.spamhaus.org=127.0.0.[2..11]").filter;
    for (int last = 0; last < 256; ++last) {
        auto answer = address(("127.0.0." + std::to_string(last)).c_str());
        EXPECT_EQ(zen.matches(answer), last >= 2 && last <= 11) << last;
    }
    EXPECT_FALSE(zen.matches(address("127.255.255.254")));  // Spamhaus's error answers
    auto mixed = zone("a.test=127.0.[0;2].[2..4;9]").filter;
    EXPECT_TRUE(mixed.matches(address("127.0.2.9")));
    EXPECT_TRUE(mixed.matches(address("127.0.0.3")));
    EXPECT_FALSE(mixed.matches(address("127.0.1.3")));
    EXPECT_FALSE(mixed.matches(address("127.0.0.5")));
    // A pattern whose first octet allows more than 127 still matches only list answers.
    EXPECT_FALSE(zone("a.test=[0..255].0.0.2").filter.matches(address("10.0.0.2")));
}

TEST(DnsblZone, BitmasksMatchWhenAnyBitIsShared) {
    auto four = zone("a.test&0.0.0.4").filter;
    EXPECT_TRUE(four.matches(address("127.0.0.4")));
    EXPECT_TRUE(four.matches(address("127.0.0.12")));  // 4 | 8
    EXPECT_TRUE(four.matches(address("127.0.0.6")));
    EXPECT_FALSE(four.matches(address("127.0.0.2")));
    EXPECT_FALSE(four.matches(address("127.0.0.8")));
    EXPECT_FALSE(four.matches(address("10.0.0.4")));  // never outside 127/8
    auto numeric = zone("a.test&12").filter;          // SpamAssassin's numeric form
    EXPECT_TRUE(numeric.matches(address("127.0.0.8")));
    EXPECT_FALSE(numeric.matches(address("127.0.0.2")));
    auto wide = zone("a.test&0.1.0.0").filter;  // URIBL-style masks in other octets
    EXPECT_TRUE(wide.matches(address("127.1.0.2")));
    EXPECT_FALSE(wide.matches(address("127.2.0.2")));
}
