// Tests of the content stage with its stores in a real redis-server (C5, C6,
// docs/features.md): a recipient's personal whitelist saves that recipient's copy only;
// the auto-whitelist moves the score toward the sender's mean and learns the message's
// weighted score before its own adjustment; all of one message's reads (every recipient's
// lists and the auto-whitelist's history) take one wait on Redis; `mailgatectl scan`'s
// read-only run learns nothing; and with Redis down the message is judged without them.
// The Redis client runs on a thread of its own, as in the milter.
#include <gtest/gtest.h>

#include <thread>

#include "gateway/checks/auto_whitelist/AutoWhitelist.hpp"
#include "gateway/checks/lists/PersonalListStore.hpp"
#include "gateway/config/SettingSpec.hpp"
#include "gateway/engine/ContentStage.hpp"
#include "gateway/store/RedisClient.hpp"
#include "gateway/store/RedisConnection.hpp"
#include "tests/support/QuietLogger.hpp"
#include "tests/support/RedisServerProcess.hpp"

using namespace mailgate;
using mailgate::testing::quietLogger;
using mailgate::testing::RedisServerProcess;

namespace {

const std::string kBrokenFrom =
    "From: Alice <alice@\r\nTo: bob@example.org\r\nDate: Tue, 1 Dec 2026 08:00:00 +0000\r\n"
    "Message-ID: <1@example.com>\r\nSubject: the quarterly report\r\n\r\nHi\r\n";

Config spamConfig(int port) {
    Config config = defaultConfig();
    config.scoring.symbol_weights = {"HEADER_FROM_INVALID=10"};
    config.scoring.spam_action = SpamAction::Delete;
    config.redis.port = port;
    config.redis.key_prefix = "test:";
    return config;
}

std::shared_ptr<const Message> message(const std::string& raw,
                                       std::vector<std::string> recipients) {
    MessageEnvelope envelope;
    envelope.sender = "alice@sender.test";
    envelope.recipients = std::move(recipients);
    envelope.client_address = "203.0.113.5";
    return std::make_shared<const Message>(
        MimeParser(MimeLimits{}).parse(raw, std::move(envelope)));
}

// The milter's arrangement: the Redis client on its own I/O thread.
struct RedisThread {
    explicit RedisThread(const RedisSettings& settings) : work(boost::asio::make_work_guard(io)) {
        services.redis = RedisClient::create(io, settings, quietLogger());
        thread = std::thread([this] { io.run(); });
    }
    ~RedisThread() {
        services.redis->stop();
        work.reset();
        thread.join();
    }
    boost::asio::io_context io;
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work;
    Services services;
    std::thread thread;
};

const RecipientDecision& verdictFor(const ContentDecision& evaluation, const std::string& who) {
    for (const auto& recipient : evaluation.recipients) {
        if (recipient.recipient == who) {
            return recipient;
        }
    }
    throw std::logic_error("no verdict for " + who);
}

}  // namespace

TEST(ContentDecision, ThePersonalWhitelistSavesOneRecipientsCopyOnly) {
    RedisServerProcess server;
    Config config = spamConfig(server.port());
    RedisConnection admin(config.redis, quietLogger());
    ASSERT_TRUE(
        PersonalListStore(admin).add("bob@example.org", PersonalListKind::White, "sender.test"));
    RedisThread redis(config.redis);
    ContentStage stage(config, redis.services);
    auto evaluation =
        stage.decideNow(message(kBrokenFrom, {"bob@example.org", "carol@example.org"}), {});
    const auto& bob = verdictFor(evaluation, "bob@example.org").verdict;
    const auto& carol = verdictFor(evaluation, "carol@example.org").verdict;
    EXPECT_EQ(bob.action, VerdictAction::Accept);
    EXPECT_FALSE(bob.spam);
    EXPECT_EQ(carol.action, VerdictAction::Delete);
    EXPECT_TRUE(carol.spam);
    EXPECT_EQ(evaluation.verdict.action, VerdictAction::Accept) << "the delivered copy is Bob's";
    EXPECT_NE(evaluation.verdict.reason.find("PERSONAL_WHITELIST"), std::string::npos);
    EXPECT_EQ(evaluation.answer.remove_recipients, std::vector<std::string>{"carol@example.org"});
}

TEST(ContentDecision, TheAutoWhitelistLearnsTheWeightedScoreOfTheChecks) {
    RedisServerProcess server;
    Config config = spamConfig(server.port());
    config.awl.enabled = true;
    RedisConnection admin(config.redis, quietLogger());
    // One earlier message with a mean of -0.5: this one (11.5) moves half way, by -6.
    ASSERT_TRUE(admin.command(
        {"HSET", "test:awl:{203.0}", "c|alice@sender.test", "1", "t|alice@sender.test", "-0.5"}));
    RedisThread redis(config.redis);
    ContentStage stage(config, redis.services);
    auto evaluation =
        stage.decideNow(message(kBrokenFrom, {"bob@example.org"}), {{"SPF_FAIL", 1.5, ""}});
    EXPECT_DOUBLE_EQ(evaluation.verdict.score, 5.5);
    // What it learnt is the weighted score before its own adjustment (10 + 1.5), written
    // without waiting: poll briefly.
    double total = 0;
    for (int attempt = 0; attempt < 100 && total == 0; ++attempt) {
        auto learned = admin.command({"HGET", "test:awl:{203.0}", "t|alice@sender.test"});
        total = learned && learned->text != "-0.5" ? std::stod(learned->text) : 0;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    EXPECT_DOUBLE_EQ(total, 11.0) << "weights apply before the AWL learns";
}

TEST(ContentStageStores, AllReadsOfAMessageTakeOneWaitAndScanLearnsNothing) {
    RedisServerProcess server;
    Config config = spamConfig(server.port());
    config.awl.enabled = true;
    RedisConnection admin(config.redis, quietLogger());
    std::vector<std::string> recipients;
    for (int i = 1; i <= 5; ++i) {
        recipients.push_back("user" + std::to_string(i) + "@example.org");
        ASSERT_TRUE(PersonalListStore(admin).add(recipients.back(), PersonalListKind::Black,
                                                 "blocked.example"));
    }
    RedisThread redis(config.redis);
    ContentStage stage(config, redis.services);
    auto before = redis.services.redis->waits();
    ContentOptions readOnly;
    readOnly.learns = false;
    auto evaluation = stage.decideNow(message(kBrokenFrom, recipients), {}, readOnly);
    EXPECT_EQ(evaluation.store_waits, 1u);
    EXPECT_EQ(redis.services.redis->waits() - before, 1u) << "five recipients' lists and the AWL";
    EXPECT_TRUE(evaluation.store_failures.empty()) << evaluation.store_failures;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    auto learned = admin.command({"EXISTS", "test:awl:{203.0}"});
    ASSERT_TRUE(learned);
    EXPECT_EQ(learned->integer, 0) << "a read-only run writes nothing";
}

TEST(ContentStageStores, WithRedisDownTheMessageIsJudgedWithoutItsStores) {
    RedisServerProcess server;
    Config config = spamConfig(server.port());
    config.awl.enabled = true;
    RedisThread redis(config.redis);
    server.stop();
    ContentStage stage(config, redis.services);
    auto evaluation = stage.decideNow(message(kBrokenFrom, {"bob@example.org"}), {});
    EXPECT_EQ(verdictFor(evaluation, "bob@example.org").verdict.action, VerdictAction::Delete);
    EXPECT_NE(evaluation.store_failures.find("personal lists:"), std::string::npos)
        << evaluation.store_failures;
    EXPECT_NE(evaluation.store_failures.find("awl:"), std::string::npos)
        << evaluation.store_failures;
}
