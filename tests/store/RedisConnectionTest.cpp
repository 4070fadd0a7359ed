// Tests of RedisConnection against a real redis-server: prefix, AUTH, SELECT, unix
// socket, a server that is down, a restart, LOADING, and a command timeout. No test
// asserts on time; each waits for an outcome with a bounded number of tries.
#include <gtest/gtest.h>

#include <thread>

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
    settings.reconnect_min_delay_ms = 50;
    settings.reconnect_max_delay_ms = 200;
    return settings;
}

// Retries a command until it succeeds, for at most about ten seconds.
Result<RedisReply> commandEventually(RedisConnection& redis,
                                     const std::vector<std::string>& command) {
    Result<RedisReply> reply = makeError("not tried");
    for (int attempt = 0; attempt < 200; ++attempt) {
        reply = redis.command(command);
        if (reply) {
            return reply;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return reply;
}

}  // namespace

TEST(RedisConnection, CommandsUseThePrefixedKeys) {
    RedisServerProcess server;
    RedisConnection redis(settingsFor(server.port()), quietLogger());
    auto set = redis.command({"SET", redis.key("greylist:x"), "1"});
    ASSERT_TRUE(set.ok()) << set.error();
    EXPECT_EQ(set->text, "OK");
    auto keys = redis.command({"KEYS", "*"});
    ASSERT_TRUE(keys.ok());
    ASSERT_EQ(keys->elements.size(), 1u);
    EXPECT_EQ(keys->elements[0].text, "mailgate:greylist:x");
    auto missing = redis.command({"GET", redis.key("absent")});
    ASSERT_TRUE(missing.ok());
    EXPECT_TRUE(missing->isNil());
}

TEST(RedisConnection, ErrorRepliesAreRepliesNotFailures) {
    RedisServerProcess server;
    RedisConnection redis(settingsFor(server.port()), quietLogger());
    ASSERT_TRUE(redis.command({"SET", "k", "v"}).ok());
    auto wrongType = redis.command({"LPUSH", "k", "x"});
    ASSERT_TRUE(wrongType.ok());
    EXPECT_TRUE(wrongType->isError());
    EXPECT_TRUE(redis.connected());
}

TEST(RedisConnection, AuthenticatesAndSelectsTheDatabase) {
    RedisServerProcess server({"--requirepass", "s3cret-pass"});
    auto settings = settingsFor(server.port());
    settings.password = "s3cret-pass";
    settings.database = 3;
    RedisConnection redis(settings, quietLogger());
    ASSERT_TRUE(redis.command({"SET", "in-db-3", "1"}).ok());
    settings.database = 0;
    RedisConnection other(settings, quietLogger());
    auto fromZero = other.command({"EXISTS", "in-db-3"});
    ASSERT_TRUE(fromZero.ok());
    EXPECT_EQ(fromZero->integer, 0);

    settings.password = "wrong-pass";
    RedisConnection refused(settings, quietLogger());
    auto reply = refused.command({"PING"});
    ASSERT_FALSE(reply.ok());
    EXPECT_NE(reply.error().find("AUTH refused"), std::string::npos) << reply.error();
    EXPECT_EQ(reply.error().find("wrong-pass"), std::string::npos) << "no password in errors";
}

TEST(RedisConnection, ConnectsOverTheUnixSocket) {
    RedisServerProcess server;
    auto settings = settingsFor(1);
    settings.socket = server.socketPath();
    RedisConnection redis(settings, quietLogger());
    auto reply = redis.command({"PING"});
    ASSERT_TRUE(reply.ok()) << reply.error();
    EXPECT_EQ(reply->text, "PONG");
    EXPECT_EQ(redis.describeServer(), "unix:" + server.socketPath());
}

TEST(RedisConnection, ADownServerFailsAtOnceAndIsNotRetriedWithinTheBackoff) {
    int port = mailgate::testing::freeLoopbackPort();
    auto settings = settingsFor(port);
    settings.reconnect_min_delay_ms = 300;
    settings.reconnect_max_delay_ms = 300;
    RedisConnection redis(settings, quietLogger());
    auto first = redis.command({"PING"});
    ASSERT_FALSE(first.ok());
    EXPECT_NE(first.error().find("connect failed"), std::string::npos) << first.error();
    auto second = redis.command({"PING"});
    ASSERT_FALSE(second.ok());
    EXPECT_NE(second.error().find("waiting before reconnecting"), std::string::npos)
        << "within the backoff no connection is attempted: " << second.error();
    EXPECT_EQ(redis.failureCount(), 1u);
}

TEST(RedisConnection, ReconnectsAfterTheServerRestarts) {
    RedisServerProcess server;
    RedisConnection redis(settingsFor(server.port()), quietLogger());
    ASSERT_TRUE(redis.command({"PING"}).ok());
    server.stop();
    auto during = redis.command({"PING"});
    EXPECT_FALSE(during.ok());
    EXPECT_FALSE(redis.connected());
    server.start();
    auto after = commandEventually(redis, {"PING"});
    ASSERT_TRUE(after.ok()) << after.error();
    EXPECT_EQ(after->text, "PONG");
}

TEST(RedisConnection, TreatsLoadingAsUnavailableUntilTheDatasetIsLoaded) {
    RedisServerProcess server({"--enable-debug-command", "yes"});
    RedisConnection setup(settingsFor(server.port()), quietLogger());
    ASSERT_TRUE(setup.command({"DEBUG", "POPULATE", "20000"}).ok());
    ASSERT_TRUE(setup.command({"SAVE"}).ok());
    server.stop();
    // Loading now takes seconds, and the server answers LOADING meanwhile.
    server.start({"--dbfilename", "dump.rdb", "--key-load-delay", "100",
                  "--loading-process-events-interval-bytes", "1024"});
    RedisConnection redis(settingsFor(server.port()), quietLogger());
    auto during = redis.command({"DBSIZE"});
    ASSERT_FALSE(during.ok());
    EXPECT_NE(during.error().find("loading"), std::string::npos) << during.error();
    auto after = commandEventually(redis, {"DBSIZE"});
    ASSERT_TRUE(after.ok()) << after.error();
    EXPECT_EQ(after->integer, 20000);
}

TEST(RedisConnection, ACommandThatTakesTooLongTimesOutAndTheConnectionRecovers) {
    RedisServerProcess server({"--enable-debug-command", "yes"});
    auto settings = settingsFor(server.port());
    settings.command_timeout_ms = 100;
    RedisConnection redis(settings, quietLogger());
    auto slow = redis.command({"DEBUG", "SLEEP", "1"});
    ASSERT_FALSE(slow.ok());
    EXPECT_NE(slow.error().find("timed out"), std::string::npos) << slow.error();
    auto after = commandEventually(redis, {"PING"});
    ASSERT_TRUE(after.ok()) << after.error();
    EXPECT_EQ(after->text, "PONG") << "no stale reply from the timed-out command";
}
