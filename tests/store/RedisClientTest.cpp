// Tests of the asynchronous RedisClient against a real redis-server: many commands in
// flight at once with answers matched in order, AUTH and the key prefix, a server that
// is down (commands fail at once), a restart (it reconnects), and a command Redis takes
// too long to answer (DEBUG SLEEP). No test asserts on time; each waits for an outcome.
#include <gtest/gtest.h>

#include <thread>

#include "gateway/config/SettingSpec.hpp"
#include "gateway/store/RedisClient.hpp"
#include "tests/support/QuietLogger.hpp"
#include "tests/support/RedisServerProcess.hpp"

using namespace mailgate;
using mailgate::testing::quietLogger;
using mailgate::testing::RedisServerProcess;

namespace {

RedisSettings settingsFor(int port) {
    RedisSettings settings = defaultConfig().redis;
    settings.port = port;
    settings.reconnect_min_delay_ms = 20;
    settings.reconnect_max_delay_ms = 100;
    return settings;
}

// Runs commands on a fresh io_context with one RedisClient and returns their replies.
std::vector<Result<RedisReply>> runCommands(const RedisSettings& settings,
                                            const std::vector<std::vector<std::string>>& commands) {
    boost::asio::io_context io;
    auto client = RedisClient::create(io, settings, quietLogger());
    std::vector<Result<RedisReply>> replies(commands.size(), makeError("no answer"));
    std::size_t answered = 0;
    for (std::size_t i = 0; i < commands.size(); ++i) {
        client->send(commands[i], [&, i](Result<RedisReply> reply) {
            replies[i] = std::move(reply);
            if (++answered == commands.size()) {
                client->stop();
            }
        });
    }
    io.run();
    return replies;
}

// Retries until a PING succeeds, for at most about ten seconds.
bool pingEventually(const RedisSettings& settings) {
    for (int attempt = 0; attempt < 200; ++attempt) {
        auto reply = runCommands(settings, {{"PING"}});
        if (reply[0] && reply[0]->text == "PONG") {
            return true;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
}

}  // namespace

TEST(RedisClient, ManyCommandsInFlightGetTheirOwnAnswers) {
    RedisServerProcess server;
    std::vector<std::vector<std::string>> commands;
    for (int i = 0; i < 2000; ++i) {
        commands.push_back({"SET", "k" + std::to_string(i), "v" + std::to_string(i)});
        commands.push_back({"GET", "k" + std::to_string(i)});
    }
    auto replies = runCommands(settingsFor(server.port()), commands);
    for (int i = 0; i < 2000; ++i) {
        ASSERT_TRUE(replies[2 * i + 1].ok()) << replies[2 * i + 1].error();
        EXPECT_EQ(replies[2 * i + 1]->text, "v" + std::to_string(i));
    }
}

boost::asio::awaitable<void> countToFive(std::shared_ptr<RedisClient> client,
                                         std::int64_t& counted) {
    for (int i = 0; i < 5; ++i) {
        // g++ 12 cannot keep a braced list alive across co_await: name the vector.
        std::vector<std::string> increment = {"INCR", client->key("counter")};
        auto reply = co_await client->command(increment);
        counted = reply ? reply->integer : -1;
    }
    client->stop();
}

TEST(RedisClient, CoroutinesAwaitAnswers) {
    RedisServerProcess server;
    boost::asio::io_context io;
    auto client = RedisClient::create(io, settingsFor(server.port()), quietLogger());
    std::int64_t counted = 0;
    boost::asio::co_spawn(io, countToFive(client, counted), boost::asio::detached);
    io.run();
    EXPECT_EQ(counted, 5);
}

TEST(RedisClient, PasswordDatabaseAndUnixSocket) {
    RedisServerProcess server({"--requirepass", "s3cret-password"});
    RedisSettings settings = settingsFor(server.port());
    settings.password = "s3cret-password";
    settings.database = 3;
    auto replies = runCommands(settings, {{"SET", "x", "1"}, {"CLIENT", "INFO"}});
    ASSERT_TRUE(replies[0].ok()) << replies[0].error();
    ASSERT_TRUE(replies[1].ok()) << replies[1].error();
    EXPECT_NE(replies[1]->text.find("db=3"), std::string::npos) << replies[1]->text;

    settings.password = "wrong";
    auto refused = runCommands(settings, {{"PING"}});
    ASSERT_FALSE(refused[0].ok());
    EXPECT_NE(refused[0].error().find("AUTH refused"), std::string::npos) << refused[0].error();
    EXPECT_EQ(refused[0].error().find("wrong"), std::string::npos);  // never the password

    RedisSettings viaSocket = settingsFor(server.port());
    viaSocket.socket = server.socketPath();
    viaSocket.password = "s3cret-password";
    auto reply = runCommands(viaSocket, {{"PING"}});
    ASSERT_TRUE(reply[0].ok()) << reply[0].error();
    EXPECT_EQ(reply[0]->text, "PONG");
}

TEST(RedisClient, ADownServerFailsCommandsAndARestartedOneIsFoundAgain) {
    RedisServerProcess server;
    RedisSettings settings = settingsFor(server.port());
    server.stop();
    auto down = runCommands(settings, {{"PING"}, {"PING"}});
    ASSERT_FALSE(down[0].ok());
    EXPECT_NE(down[0].error().find("redis unavailable"), std::string::npos) << down[0].error();
    ASSERT_FALSE(down[1].ok());
    server.start();
    EXPECT_TRUE(pingEventually(settings));
}

boost::asio::awaitable<void> pingThroughAnOutage(std::shared_ptr<RedisClient> client,
                                                 RedisServerProcess& server,
                                                 std::vector<bool>& outcomes) {
    const std::vector<std::string> ping = {"PING"};
    outcomes.push_back((co_await client->command(ping)).ok());
    server.stop();
    outcomes.push_back((co_await client->command(ping)).ok());
    server.start();
    boost::asio::steady_timer pause(co_await boost::asio::this_coro::executor);
    bool back = false;
    for (int attempt = 0; attempt < 200 && !back; ++attempt) {
        pause.expires_after(std::chrono::milliseconds(50));
        co_await pause.async_wait(boost::asio::use_awaitable);
        back = (co_await client->command(ping)).ok();
    }
    outcomes.push_back(back);
    client->stop();
}

TEST(RedisClient, OneClientSurvivesAnOutage) {
    RedisServerProcess server;
    boost::asio::io_context io;
    auto client = RedisClient::create(io, settingsFor(server.port()), quietLogger());
    std::vector<bool> outcomes;
    boost::asio::co_spawn(io, pingThroughAnOutage(client, server, outcomes), boost::asio::detached);
    io.run();
    EXPECT_EQ(outcomes, (std::vector<bool>{true, false, true}));
}

TEST(RedisClient, ACommandThatTakesTooLongFailsAndTheClientRecovers) {
    RedisServerProcess server({"--enable-debug-command", "yes"});
    RedisSettings settings = settingsFor(server.port());
    settings.command_timeout_ms = 100;
    auto replies = runCommands(settings, {{"DEBUG", "SLEEP", "1"}});
    ASSERT_FALSE(replies[0].ok());
    EXPECT_NE(replies[0].error().find("timed out"), std::string::npos) << replies[0].error();
    EXPECT_TRUE(pingEventually(settings));
}
