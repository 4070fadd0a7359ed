// Tests of greylisting's Redis script against a real redis-server: the life of a triplet
// (new, early, passed, known), the retry window, the auto-whitelist (deliveries counted
// at most once per interval), TTLs on every key, a script flushed from Redis, and the
// store failing cleanly when Redis is down. Times are passed in, so nothing sleeps.
#include <gtest/gtest.h>

#include "gateway/checks/greylist/RedisGreylistStore.hpp"
#include "gateway/config/SettingSpec.hpp"
#include "gateway/store/RedisConnection.hpp"
#include "tests/support/QuietLogger.hpp"
#include "tests/support/RedisServerProcess.hpp"

using namespace mailgate;
using mailgate::testing::quietLogger;
using mailgate::testing::RedisServerProcess;

namespace {

boost::asio::awaitable<void> observeOnce(RedisGreylistStore& store,
                                         std::shared_ptr<RedisClient> client,
                                         GreylistTriplet triplet, std::int64_t now,
                                         GreylistTiming timing,
                                         Result<GreylistObservation>& result) {
    result = co_await store.observe(std::move(triplet), now, timing);
    client->stop();
}

class GreylistStoreTest : public ::testing::Test {
  protected:
    GreylistStoreTest() {
        settings_ = defaultConfig().redis;
        settings_.port = server_.port();
        settings_.reconnect_min_delay_ms = 20;
        timing_.delay_s = 300;
        timing_.retry_window_s = 3600;
        timing_.pass_lifetime_s = 86400;
        timing_.origin_whitelist_after = 3;
        timing_.origin_whitelist_interval_s = 0;
    }

    Result<GreylistObservation> observe(const GreylistTriplet& triplet, std::int64_t now) {
        boost::asio::io_context io;
        auto client = RedisClient::create(io, settings_, quietLogger());
        RedisGreylistStore store(client);
        Result<GreylistObservation> result = makeError("not run");
        boost::asio::co_spawn(io, observeOnce(store, client, triplet, now, timing_, result),
                              boost::asio::detached);
        io.run();
        return result;
    }

    GreylistStatus statusAt(const GreylistTriplet& triplet, std::int64_t now) {
        auto seen = observe(triplet, now);
        EXPECT_TRUE(seen.ok()) << seen.error();
        return seen ? seen->status : GreylistStatus::New;
    }

    std::int64_t ttl(const std::string& key) {
        RedisConnection redis(settings_, quietLogger());
        auto reply = redis.command({"TTL", "mailgate:" + key});
        return reply ? reply->integer : -3;
    }

    RedisServerProcess server_;
    RedisSettings settings_;
    GreylistTiming timing_;
    GreylistTriplet triplet_{"192.0.2.0/24", "alice@sender.test", "bob@example.test"};
    const std::int64_t start_ = 1764500000;
};

}  // namespace

TEST_F(GreylistStoreTest, ATripletLivesThroughItsStates) {
    auto first = observe(triplet_, start_);
    ASSERT_TRUE(first.ok()) << first.error();
    EXPECT_EQ(first->status, GreylistStatus::New);
    EXPECT_EQ(first->seconds, 300);
    auto early = observe(triplet_, start_ + 100);
    ASSERT_TRUE(early.ok());
    EXPECT_EQ(early->status, GreylistStatus::Early);
    EXPECT_EQ(early->seconds, 200);
    auto passed = observe(triplet_, start_ + 301);
    ASSERT_TRUE(passed.ok());
    EXPECT_EQ(passed->status, GreylistStatus::Passed);
    EXPECT_EQ(passed->seconds, 301);
    EXPECT_EQ(passed->origin_deliveries, 1);
    auto known = observe(triplet_, start_ + 5000);  // past the retry window: passed stays
    ASSERT_TRUE(known.ok());
    EXPECT_EQ(known->status, GreylistStatus::Known);
    EXPECT_EQ(known->seconds, 301);
}

TEST_F(GreylistStoreTest, ARetryAfterTheWindowStartsOver) {
    EXPECT_EQ(statusAt(triplet_, start_), GreylistStatus::New);
    EXPECT_EQ(statusAt(triplet_, start_ + 3601), GreylistStatus::New);
    EXPECT_EQ(statusAt(triplet_, start_ + 3700), GreylistStatus::Early);
}

TEST_F(GreylistStoreTest, EveryKeyHasATtl) {
    statusAt(triplet_, start_);
    auto waiting = ttl(triplet_.tripletKey());
    EXPECT_GT(waiting, 0);
    EXPECT_LE(waiting, 3600);
    statusAt(triplet_, start_ + 400);
    EXPECT_GT(ttl(triplet_.tripletKey()), 3600);  // the pass lifetime now
    EXPECT_GT(ttl(triplet_.originKey()), 0);
}

TEST_F(GreylistStoreTest, AnOriginWithEnoughDeliveriesIsWhitelisted) {
    for (int i = 0; i < 3; ++i) {
        GreylistTriplet other = triplet_;
        other.recipient = "user" + std::to_string(i) + "@example.test";
        EXPECT_EQ(statusAt(other, start_), GreylistStatus::New);
        EXPECT_EQ(statusAt(other, start_ + 301), GreylistStatus::Passed);
    }
    GreylistTriplet fresh = triplet_;
    fresh.recipient = "new@example.test";
    auto seen = observe(fresh, start_ + 302);
    ASSERT_TRUE(seen.ok());
    EXPECT_EQ(seen->status, GreylistStatus::Whitelisted);
    EXPECT_EQ(seen->origin_deliveries, 3);
    EXPECT_EQ(ttl(fresh.tripletKey()), -2);  // no triplet kept for whitelisted origins
}

TEST_F(GreylistStoreTest, DeliveriesCountAtMostOncePerInterval) {
    timing_.origin_whitelist_interval_s = 3600;
    EXPECT_EQ(statusAt(triplet_, start_), GreylistStatus::New);
    EXPECT_EQ(statusAt(triplet_, start_ + 301), GreylistStatus::Passed);
    for (int i = 0; i < 5; ++i) {
        auto again = observe(triplet_, start_ + 400 + i);
        ASSERT_TRUE(again.ok());
        EXPECT_EQ(again->status, GreylistStatus::Known);
        EXPECT_EQ(again->origin_deliveries, 1);
    }
    auto later = observe(triplet_, start_ + 301 + 3600);
    ASSERT_TRUE(later.ok());
    EXPECT_EQ(later->origin_deliveries, 2);
}

TEST_F(GreylistStoreTest, AFlushedScriptIsSentAgain) {
    EXPECT_EQ(statusAt(triplet_, start_), GreylistStatus::New);
    RedisConnection redis(settings_, quietLogger());
    ASSERT_TRUE(redis.command({"SCRIPT", "FLUSH"}).ok());
    EXPECT_EQ(statusAt(triplet_, start_ + 10), GreylistStatus::Early);
}

TEST_F(GreylistStoreTest, RedisDownIsAnErrorValue) {
    server_.stop();
    auto seen = observe(triplet_, start_);
    ASSERT_FALSE(seen.ok());
    EXPECT_NE(seen.error().find("redis unavailable"), std::string::npos) << seen.error();
}

TEST(GreylistScriptReply, WrongShapesAreErrors) {
    RedisReply notArray;
    notArray.type = RedisReply::Type::Integer;
    EXPECT_FALSE(parseGreylistScriptReply(notArray).ok());
    RedisReply unknown;
    unknown.type = RedisReply::Type::Array;
    unknown.elements.resize(3);
    unknown.elements[0].type = RedisReply::Type::String;
    unknown.elements[0].text = "strange";
    unknown.elements[1].type = RedisReply::Type::Integer;
    unknown.elements[2].type = RedisReply::Type::Integer;
    EXPECT_FALSE(parseGreylistScriptReply(unknown).ok());
    unknown.elements[0].text = "known";
    EXPECT_TRUE(parseGreylistScriptReply(unknown).ok());
}
