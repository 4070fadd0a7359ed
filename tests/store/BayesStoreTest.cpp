// Tests of the statistical filter's store against a real redis-server: learning counts a
// message once, learning it again does nothing, learning it as the other class moves it,
// forgetting takes it away; token keys expire; the reads for a message are one wait; and
// with Redis down every operation is an error value.
#include <gtest/gtest.h>

#include <algorithm>
#include <utility>

#include "gateway/checks/bayes/BayesStore.hpp"
#include "gateway/config/SettingSpec.hpp"
#include "gateway/store/RedisConnection.hpp"
#include "tests/support/QuietLogger.hpp"
#include "tests/support/RedisServerProcess.hpp"

using namespace mailgate;
using mailgate::testing::quietLogger;
using mailgate::testing::RedisServerProcess;

namespace {

class BayesStoreTest : public ::testing::Test {
  protected:
    BayesStoreTest() {
        settings_ = defaultConfig().redis;
        settings_.port = server_.port();
        settings_.reconnect_min_delay_ms = 20;
    }

    // Runs one store operation to its end on a fresh client.
    template <class T, class Operation>
    T run(Operation operation) {
        boost::asio::io_context io;
        auto client = RedisClient::create(io, settings_, quietLogger());
        BayesStore store(client, 3600);
        T result = makeError("not run");
        boost::asio::co_spawn(
            io,
            [&]() -> boost::asio::awaitable<void> {
                result = co_await operation(store);
                waits_ = client->waits();
                client->stop();
            },
            boost::asio::detached);
        io.run();
        return result;
    }

    Result<BayesLearnResult> learn(bool spam, const std::string& digest = "d1") {
        return run<Result<BayesLearnResult>>(
            [&](BayesStore& store) { return store.learn(tokens_, digest, spam); });
    }

    Result<BayesLearnResult> forget(const std::string& digest = "d1") {
        return run<Result<BayesLearnResult>>(
            [&](BayesStore& store) { return store.forget(tokens_, digest); });
    }

    BayesCounts read() {
        auto counts =
            run<Result<BayesCounts>>([&](BayesStore& store) { return store.read(tokens_); });
        EXPECT_TRUE(counts.ok()) << counts.error();
        return counts ? *counts : BayesCounts{};
    }

    RedisServerProcess server_;
    RedisSettings settings_;
    std::vector<std::uint64_t> tokens_{0x1, 0xabcdef0123456789ULL, 0xffffffffffffffffULL};
    std::uint64_t waits_ = 0;
};

}  // namespace

TEST_F(BayesStoreTest, LearningCountsTheMessageAndItsTokensOnce) {
    auto first = learn(true);
    ASSERT_TRUE(first.ok()) << first.error();
    EXPECT_EQ(*first, BayesLearnResult::Learned);
    auto again = learn(true);
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(*again, BayesLearnResult::AlreadyKnown);
    ASSERT_EQ(*learn(false, "d2"), BayesLearnResult::Learned);
    auto counts = read();
    EXPECT_EQ(counts.totals.spam_messages, 1u);
    EXPECT_EQ(counts.totals.ham_messages, 1u);
    ASSERT_EQ(counts.tokens.size(), 3u);
    for (const auto& token : counts.tokens) {
        EXPECT_EQ(token.spam, 1u);
        EXPECT_EQ(token.ham, 1u);
    }
    EXPECT_EQ(waits_, 1u) << "the totals and every token in one batch";
}

TEST_F(BayesStoreTest, RelearningAsTheOtherClassMovesTheMessage) {
    ASSERT_EQ(*learn(true), BayesLearnResult::Learned);
    ASSERT_EQ(*learn(false), BayesLearnResult::Moved);
    auto counts = read();
    EXPECT_EQ(counts.totals.spam_messages, 0u);
    EXPECT_EQ(counts.totals.ham_messages, 1u);
    EXPECT_EQ(counts.tokens.front().spam, 0u);
    EXPECT_EQ(counts.tokens.front().ham, 1u);
}

TEST_F(BayesStoreTest, ForgettingTakesTheCountsAway) {
    ASSERT_EQ(*learn(true), BayesLearnResult::Learned);
    ASSERT_EQ(*forget(), BayesLearnResult::Forgotten);
    ASSERT_EQ(*forget(), BayesLearnResult::NotKnown);
    auto counts = read();
    EXPECT_EQ(counts.totals.spam_messages, 0u);
    EXPECT_EQ(counts.tokens.back().spam, 0u);
    // Learning it again after forgetting counts it again.
    EXPECT_EQ(*learn(true), BayesLearnResult::Learned);
    EXPECT_EQ(read().totals.spam_messages, 1u);
}

TEST_F(BayesStoreTest, TokenKeysExpireAndTheirNamesAreBucketedFixedWidthHex) {
    EXPECT_EQ(BayesStore::tokenKeyName(0x1), "bayes:{t0}:0000000000000001");
    EXPECT_EQ(BayesStore::tokenKeyName(0xabcdef0123456789ULL), "bayes:{ta}:abcdef0123456789");
    ASSERT_EQ(*learn(true), BayesLearnResult::Learned);
    RedisConnection redis(settings_, quietLogger());
    auto ttl = redis.command({"TTL", "mailgate:bayes:{ta}:abcdef0123456789"});
    ASSERT_TRUE(ttl.ok());
    EXPECT_GT(ttl->integer, 3500);
    EXPECT_LE(ttl->integer, 3600);
}

TEST_F(BayesStoreTest, UnknownTokensReadAsZero) {
    auto counts = read();
    EXPECT_EQ(counts.totals.spam_messages, 0u);
    ASSERT_EQ(counts.tokens.size(), 3u);
    EXPECT_EQ(counts.tokens[1].spam + counts.tokens[1].ham, 0u);
}

TEST_F(BayesStoreTest, WithRedisDownEveryOperationIsAnError) {
    server_.stop();
    auto counts = run<Result<BayesCounts>>([&](BayesStore& store) { return store.read(tokens_); });
    EXPECT_FALSE(counts.ok());
    EXPECT_FALSE(learn(true).ok());
    EXPECT_FALSE(forget().ok());
}

TEST_F(BayesStoreTest, ABatchLearnsEachMessageOnceAndSumsTheTokens) {
    std::vector<BayesStore::Lesson> lessons = {
        {{0x1, 0x2}, "m1"}, {{0x1}, "m2"}, {{0x1, 0x2}, "m1"}};  // m1 twice in the batch
    auto learnMany = [&](bool spam, bool forget) {
        return run<Result<std::vector<BayesLearnResult>>>(
            [&](BayesStore& store) { return store.learnMany(lessons, spam, forget); });
    };
    auto first = learnMany(true, false);
    ASSERT_TRUE(first.ok()) << first.error();
    EXPECT_EQ(*first,
              (std::vector<BayesLearnResult>{BayesLearnResult::Learned, BayesLearnResult::Learned,
                                             BayesLearnResult::AlreadyKnown}));
    EXPECT_EQ(waits_, 3u) << "the digests, every count, then the records";
    tokens_ = {0x1, 0x2};
    auto counts = read();
    EXPECT_EQ(counts.totals.spam_messages, 2u);
    EXPECT_EQ(counts.tokens[0].spam, 2u);
    EXPECT_EQ(counts.tokens[1].spam, 1u);
    // Again as ham: both move.
    auto moved = learnMany(false, false);
    ASSERT_TRUE(moved.ok());
    EXPECT_EQ(moved->front(), BayesLearnResult::Moved);
    counts = read();
    EXPECT_EQ(counts.totals.spam_messages, 0u);
    EXPECT_EQ(counts.totals.ham_messages, 2u);
    EXPECT_EQ(counts.tokens[0].ham, 2u);
    EXPECT_EQ(counts.tokens[0].spam, 0u);
    // Forgotten: nothing left.
    auto forgotten = learnMany(false, true);
    ASSERT_TRUE(forgotten.ok());
    EXPECT_EQ(forgotten->front(), BayesLearnResult::Forgotten);
    counts = read();
    EXPECT_EQ(counts.totals.ham_messages, 0u);
    EXPECT_EQ(counts.tokens[0].ham, 0u);
}

namespace {

// learnInBackground to its end on a fresh client: the result its callback got.
Result<BayesLearnResult> learnInBackground(const RedisSettings& settings,
                                           const std::vector<std::uint64_t>& tokens,
                                           const std::string& digest, bool spam) {
    boost::asio::io_context io;
    auto client = RedisClient::create(io, settings, quietLogger());
    BayesStore store(client, 3600);
    Result<BayesLearnResult> result = makeError("never called");
    int calls = 0;
    store.learnInBackground({tokens, digest}, spam, [&](Result<BayesLearnResult> learned) {
        result = std::move(learned);
        ++calls;
        client->stop();
    });
    io.run();
    EXPECT_EQ(calls, 1);
    return result;
}

}  // namespace

TEST_F(BayesStoreTest, LearningInTheBackgroundDoesWhatLearningDoes) {
    auto first = learnInBackground(settings_, tokens_, "d1", true);
    ASSERT_TRUE(first.ok()) << first.error();
    EXPECT_EQ(*first, BayesLearnResult::Learned);
    EXPECT_EQ(*learnInBackground(settings_, tokens_, "d1", true), BayesLearnResult::AlreadyKnown);
    EXPECT_EQ(*learnInBackground(settings_, tokens_, "d1", false), BayesLearnResult::Moved);
    auto counts = read();
    EXPECT_EQ(counts.totals.spam_messages, 0u);
    EXPECT_EQ(counts.totals.ham_messages, 1u);
    ASSERT_EQ(counts.tokens.size(), 3u);
    EXPECT_EQ(counts.tokens[1].ham, 1u);
    EXPECT_EQ(counts.tokens[1].spam, 0u);
    // The same result as the awaited learn: it is already known as ham.
    EXPECT_EQ(*learn(false), BayesLearnResult::AlreadyKnown);
}

TEST_F(BayesStoreTest, LearningInTheBackgroundWithRedisDownTellsTheFailureOnce) {
    server_.stop();
    auto result = learnInBackground(settings_, tokens_, "d1", true);
    ASSERT_FALSE(result.ok());
    EXPECT_NE(result.error().find("redis"), std::string::npos) << result.error();
}

TEST(BayesStoreCounts, PackedCountsUnpackAndNegativesReadAsZero) {
    EXPECT_EQ(BayesStore::unpackCounts(0).spam, 0u);
    auto both = BayesStore::unpackCounts(3 * (1LL << 32) + 5);
    EXPECT_EQ(both.spam, 3u);
    EXPECT_EQ(both.ham, 5u);
    // A ham count forgotten below zero does not borrow from the spam count.
    auto borrowed = BayesStore::unpackCounts(2 * (1LL << 32) - 1);
    EXPECT_EQ(borrowed.spam, 2u);
    EXPECT_EQ(borrowed.ham, 0u);
    auto negative = BayesStore::unpackCounts(-(1LL << 32) + 4);
    EXPECT_EQ(negative.spam, 0u);
    EXPECT_EQ(negative.ham, 4u);
}

TEST_F(BayesStoreTest, AMessagesTokensAreReadWithAtMostSixteenCommands) {
    std::vector<std::uint64_t> many;
    for (std::uint64_t i = 0; i < 1000; ++i) {
        many.push_back(i * 0x9E3779B97F4A7C15ULL);
    }
    boost::asio::io_context io;
    auto client = RedisClient::create(io, settings_, quietLogger());
    auto plan = BayesStore::readPlan(*client, many);
    EXPECT_EQ(plan.commands.size(), 17u) << "the totals and one MGET per bucket";
    std::vector<bool> asked(many.size(), false);
    for (std::size_t c = 1; c < plan.commands.size(); ++c) {
        EXPECT_EQ(plan.commands[c].front(), "MGET");
        ASSERT_EQ(plan.commands[c].size(), plan.positions[c - 1].size() + 1);
        for (auto position : plan.positions[c - 1]) {
            EXPECT_FALSE(asked[position]);
            asked[position] = true;
        }
    }
    EXPECT_EQ(std::count(asked.begin(), asked.end(), true), 1000);
    client->stop();
    // And they read back what was learned.
    tokens_ = many;
    ASSERT_EQ(*learn(true), BayesLearnResult::Learned);
    auto counts = read();
    ASSERT_EQ(counts.tokens.size(), 1000u);
    for (const auto& token : counts.tokens) {
        ASSERT_EQ(token.spam, 1u);
        ASSERT_EQ(token.ham, 0u);
    }
    EXPECT_EQ(waits_, 1u);
}

TEST_F(BayesStoreTest, ARecipientsStoreIsApartFromTheGlobalOne) {
    EXPECT_EQ(BayesStore::recipientScope(""), "");
    auto scope = BayesStore::recipientScope("Carol@Example.Test");
    EXPECT_EQ(scope, BayesStore::recipientScope("carol@example.test"));
    EXPECT_EQ(scope.size(), 17u);
    EXPECT_EQ(scope.front(), 'r');
    EXPECT_NE(scope, BayesStore::recipientScope("dave@example.test"));
    EXPECT_EQ(BayesStore::tokenKeyName(0x1, scope), "bayes:{" + scope + "t0}:0000000000000001");

    boost::asio::io_context io;
    auto client = RedisClient::create(io, settings_, quietLogger());
    BayesStore carol(client, 3600, scope);
    Result<BayesLearnResult> learned = makeError("not run");
    Result<BayesCounts> own = makeError("not run");
    boost::asio::co_spawn(
        io,
        [&]() -> boost::asio::awaitable<void> {
            learned = co_await carol.learn(tokens_, "d1", true);
            own = co_await carol.read(tokens_);
            client->stop();
        },
        boost::asio::detached);
    io.run();
    ASSERT_TRUE(learned.ok()) << learned.error();
    EXPECT_EQ(*learned, BayesLearnResult::Learned);
    ASSERT_TRUE(own.ok());
    EXPECT_EQ(own->totals.spam_messages, 1u);
    EXPECT_EQ(own->tokens[0].spam, 1u);
    // Nothing of it in the global store, where the same message is still unknown.
    auto global = read();
    EXPECT_EQ(global.totals.spam_messages, 0u);
    EXPECT_EQ(global.tokens[0].spam, 0u);
    EXPECT_EQ(*learn(true), BayesLearnResult::Learned);
}

TEST_F(BayesStoreTest, ALearnCutShortRecordsNothingSoLearningAgainCountsIt) {
    RedisConnection admin(settings_, quietLogger());
    // Redis refuses the token writes half way through the learn: the digest was read and
    // the totals counted, the tokens not.
    ASSERT_TRUE(admin.command({"ACL", "SETUSER", "default", "-incrby"}).ok());
    auto cut = learn(true);
    ASSERT_FALSE(cut.ok());
    EXPECT_NE(cut.error().find("NOPERM"), std::string::npos) << cut.error();
    auto inBackground = learnInBackground(settings_, tokens_, "d1", true);
    EXPECT_FALSE(inBackground.ok()) << bayesLearnResultName(*inBackground);
    auto record = admin.command({"EXISTS", "mailgate:bayes:m:d1"});
    ASSERT_TRUE(record.ok());
    EXPECT_EQ(record->integer, 0) << "no record of a message whose counts were not all written";
    ASSERT_TRUE(admin.command({"ACL", "SETUSER", "default", "+incrby"}).ok());
    EXPECT_EQ(*learn(true), BayesLearnResult::Learned);
    EXPECT_EQ(*learn(true), BayesLearnResult::AlreadyKnown);
    EXPECT_EQ(read().tokens[0].spam, 1u);
}
