// Unit tests of the white and black lists (C4, C5, docs/features.md) and the auto-whitelist's
// arithmetic (C6): entry syntax and its errors, address / domain / subdomain / network
// matching, the global lists' precedence (client and SPF-verified sender whitelists
// before blacklists, white over black), the per-recipient "to:" lists, and SpamAssassin's
// AWL formula and identity networks. The Redis side is in tests/store/.
#include <gtest/gtest.h>

#include "gateway/checks/auto_whitelist/AutoWhitelist.hpp"
#include "gateway/checks/lists/GlobalLists.hpp"
#include "gateway/checks/lists/ListEntry.hpp"

using namespace mailgate;

namespace {

ListEntry entry(const char* text) {
    auto parsed = ListEntry::parseDirected(text);
    EXPECT_TRUE(parsed) << text << ": " << (parsed ? "" : parsed.error());
    return *parsed;
}

IpAddress address(const char* text) {
    return *IpAddress::parse(text);
}

MessageEnvelope envelopeFrom(const char* sender, const char* client) {
    MessageEnvelope envelope;
    envelope.sender = sender;
    envelope.client_address = client;
    return envelope;
}

}  // namespace

TEST(ListEntry, AnAddressMatchesThatAddressInAnyCase) {
    auto alice = entry("from:Alice@Example.COM");
    EXPECT_EQ(alice.direction(), ListDirection::From);
    EXPECT_TRUE(alice.matchesAddress("alice@example.com"));
    EXPECT_TRUE(alice.matchesAddress("ALICE@EXAMPLE.COM"));
    EXPECT_FALSE(alice.matchesAddress("bob@example.com"));
    EXPECT_FALSE(alice.matchesAddress("alice@example.com.evil.test"));
    EXPECT_EQ(alice.text(), "from:Alice@Example.COM");
}

TEST(ListEntry, ADomainMatchesItselfAndAStarDomainItsSubdomainsToo) {
    auto plain = entry("to:example.com");
    EXPECT_EQ(plain.direction(), ListDirection::To);
    EXPECT_TRUE(plain.matchesAddress("bob@example.com"));
    EXPECT_TRUE(plain.matchesAddress("bob@EXAMPLE.com."));
    EXPECT_FALSE(plain.matchesAddress("bob@mail.example.com"));
    EXPECT_FALSE(plain.matchesAddress("bob@notexample.com"));
    auto star = entry("from:*.example.com");
    EXPECT_TRUE(star.matchesAddress("bob@example.com"));
    EXPECT_TRUE(star.matchesAddress("bob@deep.mail.example.com"));
    EXPECT_FALSE(star.matchesAddress("bob@badexample.com"));
    EXPECT_FALSE(star.matchesAddress(""));
}

TEST(ListEntry, AClientNetworkMatchesAddressesInsideIt) {
    auto network = entry("client:192.0.2.0/24");
    EXPECT_EQ(network.direction(), ListDirection::Client);
    EXPECT_TRUE(network.matchesClient(address("192.0.2.200")));
    EXPECT_FALSE(network.matchesClient(address("192.0.3.1")));
    EXPECT_FALSE(network.matchesAddress("someone@192.0.2.1"));
    auto six = entry("client:2001:db8::/32");
    EXPECT_TRUE(six.matchesClient(address("2001:db8:ffff::1")));
    EXPECT_FALSE(six.matchesClient(address("2001:db9::1")));
    EXPECT_TRUE(entry("client:198.51.100.7").matchesClient(address("198.51.100.7")));
}

TEST(ListEntry, MalformedEntriesAreRefusedWithTheirText) {
    for (const char* text :
         {"alice@example.com", "sender:alice@example.com", "from:", "from:@example.com",
          "from:alice@", "from:a b@example.com", "from:<alice@example.com>", "to:exa mple.com",
          "client:300.1.1.1", "client:192.0.2.0/33", "client:example.com", "from:*.", ""}) {
        auto parsed = ListEntry::parseDirected(text);
        ASSERT_FALSE(parsed) << text;
        std::string quoted(text);
        quoted = quoted.substr(quoted.find(':') == std::string::npos ? 0 : quoted.find(':') + 1);
        EXPECT_NE(parsed.error().find(quoted), std::string::npos) << parsed.error();
    }
}

TEST(GlobalLists, AFromWhitelistCountsOnlyWithSpfPassWhenConfiguredSo) {
    ListSettings settings;
    settings.whitelist = {"from:partner.example"};
    GlobalLists lists(settings);
    auto unverified = lists.forMessage(envelopeFrom("news@partner.example", "203.0.113.9"), false);
    EXPECT_FALSE(unverified.whitelisted);
    EXPECT_TRUE(unverified.unverified_whitelist);
    EXPECT_EQ(unverified.entry, "from:partner.example");
    auto verified = lists.forMessage(envelopeFrom("news@partner.example", "203.0.113.9"), true);
    EXPECT_TRUE(verified.whitelisted);
    EXPECT_FALSE(verified.unverified_whitelist);
    settings.whitelist_from_needs_spf = false;
    EXPECT_TRUE(GlobalLists(settings)
                    .forMessage(envelopeFrom("news@partner.example", "203.0.113.9"), false)
                    .whitelisted);
}

TEST(GlobalLists, WhiteWinsOverBlackAndClientEntriesNeedNoSpf) {
    ListSettings settings;
    settings.whitelist = {"client:192.0.2.0/24", "from:boss@spam.example"};
    settings.blacklist = {"from:*.spam.example", "client:198.51.100.0/24"};
    settings.whitelist_from_needs_spf = false;
    GlobalLists lists(settings);
    auto client = lists.forMessage(envelopeFrom("x@spam.example", "192.0.2.5"), false);
    EXPECT_TRUE(client.whitelisted);
    EXPECT_EQ(client.entry, "client:192.0.2.0/24");
    EXPECT_TRUE(
        lists.forMessage(envelopeFrom("boss@spam.example", "203.0.113.1"), false).whitelisted);
    auto sender = lists.forMessage(envelopeFrom("x@mail.spam.example", "203.0.113.1"), false);
    EXPECT_TRUE(sender.blacklisted);
    EXPECT_EQ(sender.entry, "from:*.spam.example");
    auto network = lists.forMessage(envelopeFrom("x@fine.example", "198.51.100.9"), false);
    EXPECT_TRUE(network.blacklisted);
    EXPECT_EQ(network.entry, "client:198.51.100.0/24");
    auto neither = lists.forMessage(envelopeFrom("x@fine.example", "not an address"), false);
    EXPECT_FALSE(neither.whitelisted || neither.blacklisted);
}

TEST(GlobalLists, ToEntriesJudgeEachRecipient) {
    ListSettings settings;
    settings.whitelist = {"to:postmaster@ours.example"};
    settings.blacklist = {"to:ours.example"};
    GlobalLists lists(settings);
    EXPECT_TRUE(lists.forRecipient("Postmaster@ours.example").whitelisted);
    auto other = lists.forRecipient("bob@ours.example");
    EXPECT_TRUE(other.blacklisted);
    EXPECT_EQ(other.entry, "to:ours.example");
    EXPECT_FALSE(lists.forRecipient("bob@elsewhere.example").blacklisted);
    auto message = lists.forMessage(envelopeFrom("bob@ours.example", "192.0.2.1"), true);
    EXPECT_FALSE(message.whitelisted || message.blacklisted)
        << "to: entries are not about the sender";
}

TEST(GlobalLists, PersonalListsJudgeTheSenderWhiteFirst) {
    std::vector<ListEntry> white{
        *ListEntry::parseAddress("friend@spam.example", ListDirection::From)};
    std::vector<ListEntry> black{*ListEntry::parseAddress("spam.example", ListDirection::From)};
    auto friendly = judgeSender(white, black, "friend@spam.example");
    EXPECT_TRUE(friendly.whitelisted);
    EXPECT_EQ(friendly.entry, "friend@spam.example");
    EXPECT_TRUE(judgeSender(white, black, "other@spam.example").blacklisted);
    auto none = judgeSender(white, black, "");
    EXPECT_FALSE(none.whitelisted || none.blacklisted);
}

TEST(AutoWhitelist, TheIdentityIsTheFirstTwoOctetsOrTheIpv6Network) {
    EXPECT_EQ(awlNetwork(address("192.0.2.7"), 48), "192.0");
    EXPECT_EQ(awlNetwork(address("192.0.200.1"), 48), "192.0");
    EXPECT_EQ(awlNetwork(address("2001:db8:1:2:3::4"), 48), "2001:db8:1::/48");
    EXPECT_EQ(awlNetwork(address("2001:db8:1:2:3::4"), 64), "2001:db8:1:2::/64");
}

TEST(AutoWhitelist, TheScoreMovesTowardTheMeanByTheFactor) {
    EXPECT_FALSE(awlAdjustment(8.0, AwlHistory{0, 0.0}, 0.5)) << "a first message stays as it is";
    // SpamAssassin's example: mean -2 over 4 messages, a message at 8: 8 + (-2 - 8) * 0.5 = 3.
    auto adjustment = awlAdjustment(8.0, AwlHistory{4, -8.0}, 0.5);
    ASSERT_TRUE(adjustment);
    EXPECT_EQ(adjustment->name, "AWL");
    EXPECT_DOUBLE_EQ(adjustment->score, -5.0);
    EXPECT_NE(adjustment->detail.find("over 4"), std::string::npos) << adjustment->detail;
    EXPECT_DOUBLE_EQ(awlAdjustment(1.0, AwlHistory{2, 12.0}, 0.5)->score, 2.5);
    EXPECT_DOUBLE_EQ(awlAdjustment(1.0, AwlHistory{2, 12.0}, 1.0)->score, 5.0);
    EXPECT_DOUBLE_EQ(awlAdjustment(1.0, AwlHistory{2, 12.0}, 0.0)->score, 0.0);
}
