// RedisClient: the asynchronous Redis connection of the daemons (greylisting in the policy
// daemon; the content stage's lists and auto-whitelist in the milter), on Boost.Asio. Many commands
// are in flight at once on one connection (pipelined; Redis answers in order), each bounded by
// redis.command_timeout_ms; a command not answered in time fails, and the connection is dropped and
// reopened with the same exponential backoff as RedisConnection. While Redis is unreachable,
// commands fail at once with an error value, so each check applies its configured policy instead of
// waiting. hiredis encodes and decodes the protocol; the socket is Asio's. All state lives on one
// strand. It does not retry a failed command: the caller decides.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/config/Config.hpp"
#include "gateway/log/Logger.hpp"
#include "gateway/store/RedisReply.hpp"
#include "gateway/util/Asio.hpp"
#include "gateway/util/Result.hpp"

struct redisReader;

namespace mailgate {

class RedisClient : public std::enable_shared_from_this<RedisClient> {
  public:
    using Completion = std::function<void(Result<RedisReply>)>;
    using Clock = std::chrono::steady_clock;

    static std::shared_ptr<RedisClient> create(boost::asio::io_context& io, RedisSettings settings,
                                               Logger& logger);
    ~RedisClient();
    RedisClient(const RedisClient&) = delete;
    RedisClient& operator=(const RedisClient&) = delete;

    // Sends one command; `done` runs exactly once, on the client's strand.
    void send(std::vector<std::string> arguments, Completion done);
    // The same, for coroutines: resumes on the awaiting coroutine's executor, which may
    // belong to another io_context (the milter's worker threads run their own).
    boost::asio::awaitable<Result<RedisReply>> command(std::vector<std::string> arguments);
    // Several commands written together, answered in order, with one wait for all the
    // answers: one entry per command, in the same order.
    boost::asio::awaitable<std::vector<Result<RedisReply>>> pipeline(
        std::vector<std::vector<std::string>> commands);
    // How many times a caller waited for Redis since start (command() and pipeline()
    // count one each; send() is not waited for).
    std::uint64_t waits() const { return waits_.load(); }
    // The key with the configured prefix.
    std::string key(std::string_view name) const {
        return settings_.key_prefix + std::string(name);
    }
    // PINGs Redis now and every `interval` from then on, so an outage (and its end) is
    // logged when it happens, not only when a check next needs Redis: redis_connected
    // the first time, then redis_unavailable once per outage and redis_available on
    // return. Call once, at start; stop() ends it.
    void watchHealth(std::chrono::seconds interval);
    // Closes the connection; commands in flight fail and later ones fail at once.
    void stop();
    // Off: an outage is not logged by this client (a second connection of a process whose
    // main client already reports outages, such as the message tracker's). Call before use.
    void reportOutages(bool on) { reports_outages_ = on; }
    // Where this client points, for logs: never includes the password.
    std::string describeServer() const;
    // The longest a command can wait for its answer or its failure: a connection attempt
    // (redis.connect_timeout_ms), then redis.command_timeout_ms.
    std::chrono::milliseconds latencyBound() const {
        return std::chrono::milliseconds(settings_.connect_timeout_ms +
                                         settings_.command_timeout_ms);
    }

  private:
    enum class State { Disconnected, Connecting, Connected, Stopped };
    struct Pending {
        Completion done;
        Clock::time_point deadline;
        bool internal = false;  // a handshake step: its answer is checked, not returned
    };

    RedisClient(boost::asio::io_context& io, RedisSettings settings, Logger& logger);

    void sendOnStrand(std::vector<std::string> arguments, Completion done);
    void connect();
    void onConnected(std::uint64_t attempt, boost::system::error_code error);
    void queueHandshake();
    void enqueue(const std::vector<std::string>& arguments, Pending pending);
    void writeMore();
    void readMore();
    void onRead(std::uint64_t attempt, boost::system::error_code error, std::size_t size);
    void deliver(RedisReply reply);
    void armTimeout();
    void checkHealth(std::chrono::seconds interval);
    void fail(const std::string& reason);
    void failAllPending(const std::string& reason);

    RedisSettings settings_;
    Logger& logger_;
    boost::asio::strand<boost::asio::io_context::executor_type> strand_;
    boost::asio::generic::stream_protocol::socket socket_;
    boost::asio::ip::tcp::resolver resolver_;
    boost::asio::steady_timer timeout_;
    boost::asio::steady_timer health_;
    State state_ = State::Disconnected;
    std::uint64_t attempt_ = 0;  // numbers connection attempts, so stale callbacks are ignored
    std::deque<Pending> pending_;
    std::string outgoing_;
    std::string writing_;
    std::vector<char> readBuffer_;
    redisReader* reader_ = nullptr;
    Clock::time_point nextAttempt_{};
    std::chrono::milliseconds delay_{0};
    bool reports_outages_ = true;
    bool reportedDown_ = false;
    bool everConnected_ = false;
    std::atomic<std::uint64_t> waits_{0};
};

}  // namespace mailgate
