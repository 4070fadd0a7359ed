// Unit tests of ClientPattern: every kind of client list entry, names matching only the
// verified client name, and entries that must be refused.
#include <gtest/gtest.h>

#include "gateway/net/ClientPattern.hpp"

using namespace mailgate;

namespace {

bool matches(const std::string& pattern, const std::string& address, const std::string& name) {
    auto parsed = ClientPattern::parse(pattern);
    EXPECT_TRUE(parsed.ok()) << pattern << ": " << (parsed ? "" : parsed.error());
    return parsed && parsed->matches(*IpAddress::parse(address), name);
}

}  // namespace

TEST(ClientPattern, AddressesAndNetworks) {
    EXPECT_TRUE(matches("192.0.2.7", "192.0.2.7", ""));
    EXPECT_FALSE(matches("192.0.2.7", "192.0.2.8", ""));
    EXPECT_TRUE(matches("198.51.100.0/24", "198.51.100.200", ""));
    EXPECT_FALSE(matches("198.51.100.0/24", "198.51.101.1", ""));
    EXPECT_TRUE(matches("2001:db8::/32", "2001:db8:5::1", ""));
    EXPECT_TRUE(matches("192.0.2.7", "::ffff:192.0.2.7", ""));  // IPv4-mapped IPv6
}

TEST(ClientPattern, WildcardsAndPrefixes) {
    EXPECT_TRUE(matches("203.0.113.*", "203.0.113.9", ""));
    EXPECT_FALSE(matches("203.0.113.*", "203.0.114.9", ""));
    EXPECT_TRUE(matches("10.*", "10.200.1.1", ""));
    EXPECT_TRUE(matches("10.*.*.*", "10.200.1.1", ""));
    EXPECT_TRUE(matches("195.235.39", "195.235.39.10", ""));  // postgrey's prefix entries
    EXPECT_FALSE(matches("195.235.39", "195.235.40.10", ""));
}

TEST(ClientPattern, NamesMatchTheVerifiedNameAndItsSubdomains) {
    EXPECT_TRUE(matches("example.com", "192.0.2.1", "example.com"));
    EXPECT_TRUE(matches("example.com", "192.0.2.1", "MX1.Example.COM."));
    EXPECT_FALSE(matches("example.com", "192.0.2.1", "badexample.com"));
    EXPECT_FALSE(matches("*.example.com", "192.0.2.1", "example.com"));
    EXPECT_TRUE(matches("*.example.com", "192.0.2.1", "mx.example.com"));
    // Postfix says "unknown" when the name could not be verified: never a match.
    EXPECT_FALSE(matches("unknown", "192.0.2.1", "unknown"));
    EXPECT_FALSE(matches("example.com", "192.0.2.1", ""));
}

TEST(ClientPattern, RegularExpressionsSearchTheName) {
    EXPECT_TRUE(matches("/^mx[0-9]+\\.example\\.net$/", "192.0.2.1", "mx12.example.net"));
    EXPECT_FALSE(matches("/^mx[0-9]+\\.example\\.net$/", "192.0.2.1", "mail.example.net"));
    EXPECT_TRUE(matches("/outbound/", "192.0.2.1", "a.outbound.protection.outlook.com"));
}

TEST(ClientPattern, RefusesWhatItCannotRead) {
    for (const char* bad : {"", "*", "192.168.*.5", "1.2.3.999", "exa mple.com", "/[/", "a..b",
                            "*.", "exam*ple.com"}) {
        EXPECT_FALSE(ClientPattern::parse(bad).ok()) << bad;
    }
}

TEST(ClientPatternList, FindsTheFirstMatchingEntry) {
    auto list = ClientPatternList::parse({"192.0.2.0/24", "example.com"});
    ASSERT_TRUE(list.ok());
    const auto* entry = list->find(*IpAddress::parse("198.51.100.1"), "mx.example.com");
    ASSERT_NE(entry, nullptr);
    EXPECT_EQ(entry->text(), "example.com");
    EXPECT_EQ(list->find(*IpAddress::parse("198.51.100.1"), "other.test"), nullptr);
    auto bad = ClientPatternList::parse({"192.0.2.0/24", "not a pattern"});
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.error().find("not a pattern"), std::string::npos);
}
