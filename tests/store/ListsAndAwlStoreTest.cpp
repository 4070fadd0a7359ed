// Tests of the personal lists (C5, docs/features.md) and the auto-whitelist's store (C6) against a
// real redis-server: entries added, refused, listed, removed; recipients found by SCAN;
// the AWL's history read and updated atomically (the history returned is the one before
// this message), its TTL set on every update, senders and networks listed, removal; and
// both failing as values, not exceptions, when Redis is down.
#include <gtest/gtest.h>

#include <algorithm>

#include "gateway/checks/auto_whitelist/AutoWhitelist.hpp"
#include "gateway/checks/lists/PersonalListStore.hpp"
#include "gateway/config/SettingSpec.hpp"
#include "gateway/store/RedisConnection.hpp"
#include "tests/support/QuietLogger.hpp"
#include "tests/support/RedisServerProcess.hpp"

using namespace mailgate;
using mailgate::testing::quietLogger;
using mailgate::testing::RedisServerProcess;

namespace {

RedisSettings settingsFor(int port) {
    RedisSettings settings = defaultConfig().redis;
    settings.port = port;
    settings.key_prefix = "test:";
    return settings;
}

}  // namespace

TEST(PersonalListStore, EntriesAreAddedCheckedListedAndRemoved) {
    RedisServerProcess server;
    RedisConnection redis(settingsFor(server.port()), quietLogger());
    ASSERT_TRUE(redis.connect());
    PersonalListStore store(redis);
    auto added = store.add("Bob@Example.test", PersonalListKind::White, "Friend@Partner.example");
    ASSERT_TRUE(added) << added.error();
    EXPECT_TRUE(*added);
    EXPECT_FALSE(*store.add("bob@example.test", PersonalListKind::White, "friend@partner.example"))
        << "the same entry in another case is already there";
    ASSERT_TRUE(store.add("bob@example.test", PersonalListKind::Black, "*.spam.example"));
    auto refused = store.add("bob@example.test", PersonalListKind::Black, "not an entry");
    ASSERT_FALSE(refused);
    EXPECT_NE(refused.error().find("not an entry"), std::string::npos);

    auto lists = store.load("BOB@example.test");
    ASSERT_TRUE(lists) << lists.error();
    ASSERT_EQ(lists->white.size(), 1u);
    EXPECT_TRUE(lists->white[0].matchesAddress("friend@partner.example"));
    ASSERT_EQ(lists->black.size(), 1u);
    EXPECT_TRUE(lists->black[0].matchesAddress("x@mail.spam.example"));

    auto key = redis.command({"EXISTS", "test:lists:{bob@example.test}:white"});
    ASSERT_TRUE(key);
    EXPECT_EQ(key->integer, 1) << "keys carry the prefix and the lower-cased recipient";
    ASSERT_TRUE(store.add("carol@example.test", PersonalListKind::Black, "spam.example"));
    auto recipients = store.recipients();
    ASSERT_TRUE(recipients) << recipients.error();
    EXPECT_EQ(*recipients, (std::vector<std::string>{"bob@example.test", "carol@example.test"}));

    EXPECT_TRUE(
        *store.remove("bob@example.test", PersonalListKind::White, "friend@partner.example"));
    EXPECT_FALSE(
        *store.remove("bob@example.test", PersonalListKind::White, "friend@partner.example"));
    EXPECT_TRUE(store.load("bob@example.test")->white.empty());
}

TEST(AutoWhitelistStore, ObserveReturnsTheHistoryBeforeAndCountsThisMessage) {
    RedisServerProcess server;
    RedisConnection redis(settingsFor(server.port()), quietLogger());
    ASSERT_TRUE(redis.connect());
    AutoWhitelistStore store(redis);
    auto first = store.observe("192.0", "Alice@Example.test", 8.0, 3600);
    ASSERT_TRUE(first) << first.error();
    EXPECT_EQ(first->count, 0);
    EXPECT_DOUBLE_EQ(first->total, 0.0);
    auto second = store.observe("192.0", "alice@example.test", -2.5, 3600);
    ASSERT_TRUE(second) << second.error();
    EXPECT_EQ(second->count, 1);
    EXPECT_DOUBLE_EQ(second->total, 8.0);
    auto third = store.observe("192.0", "alice@example.test", 1.0, 3600);
    EXPECT_EQ(third->count, 2);
    EXPECT_DOUBLE_EQ(third->total, 5.5);
    ASSERT_TRUE(store.observe("192.0", "", 4.0, 3600));  // the null sender is "<>"
    ASSERT_TRUE(store.observe("2001:db8:1::/48", "bob@example.test", 2.0, 7200));

    auto ttl = redis.command({"TTL", "test:awl:{192.0}"});
    ASSERT_TRUE(ttl);
    EXPECT_GT(ttl->integer, 3000);
    EXPECT_LE(ttl->integer, 3600);
    auto senders = store.senders("192.0");
    ASSERT_TRUE(senders) << senders.error();
    ASSERT_EQ(senders->size(), 2u);
    EXPECT_EQ((*senders)[0].sender, "<>");
    EXPECT_EQ((*senders)[1].sender, "alice@example.test");
    EXPECT_EQ((*senders)[1].count, 3);
    EXPECT_DOUBLE_EQ((*senders)[1].total, 6.5);

    auto networks = store.networks();
    ASSERT_TRUE(networks) << networks.error();
    std::sort(networks->begin(), networks->end());
    EXPECT_EQ(*networks, (std::vector<std::string>{"192.0", "2001:db8:1::/48"}));

    EXPECT_EQ(*store.remove("192.0", "alice@example.test"), 2);
    EXPECT_EQ(store.senders("192.0")->size(), 1u);
    EXPECT_EQ(*store.remove("2001:db8:1::/48", ""), 1);
    EXPECT_EQ(store.networks()->size(), 1u);
}

TEST(ListsAndAwlStore, RedisDownIsAnErrorValue) {
    int port = 0;
    {
        RedisServerProcess server;
        port = server.port();
    }
    RedisSettings settings = settingsFor(port);
    settings.connect_timeout_ms = 200;
    RedisConnection redis(settings, quietLogger());
    PersonalListStore lists(redis);
    AutoWhitelistStore awl(redis);
    EXPECT_FALSE(lists.load("bob@example.test"));
    EXPECT_FALSE(lists.add("bob@example.test", PersonalListKind::White, "a@b.example"));
    EXPECT_FALSE(awl.observe("192.0", "a@b.example", 1.0, 3600));
    EXPECT_FALSE(awl.networks());
}
