// RedisConnection: one synchronous connection to the Redis server of the config, with
// connect and command timeouts, AUTH, SELECT, a key prefix, and reconnection with
// exponential backoff (also while Redis answers LOADING after a restart). While Redis is
// unreachable, commands fail at once with an error value instead of waiting: each check
// then applies its own configured policy. Thread-safe by serialising commands; it is not
// a pool and does not pipeline.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/config/Config.hpp"
#include "gateway/log/Logger.hpp"
#include "gateway/store/RedisReply.hpp"
#include "gateway/util/Result.hpp"

struct redisContext;

namespace mailgate {

class RedisConnection {
  public:
    using Clock = std::chrono::steady_clock;

    RedisConnection(RedisSettings settings, Logger& logger);
    ~RedisConnection();
    RedisConnection(const RedisConnection&) = delete;
    RedisConnection& operator=(const RedisConnection&) = delete;

    // Sends one command. Connects first if needed and allowed by the backoff.
    Result<RedisReply> command(const std::vector<std::string>& arguments);
    // Several commands written at once and their answers read in order (one wait for all,
    // not one per command); an error when the connection fails on the way, after which
    // nothing is known of the commands not answered.
    Result<std::vector<RedisReply>> pipeline(const std::vector<std::vector<std::string>>& commands);
    // Every key matching the glob `pattern` (prefix included), by SCAN, never KEYS, so a
    // big Redis is not blocked.
    Result<std::vector<std::string>> scanKeys(const std::string& pattern);
    // The key with the configured prefix: key("greylist:x") == "mailgate:greylist:x".
    std::string key(std::string_view name) const {
        return settings_.key_prefix + std::string(name);
    }

    // Tries to connect now unless the backoff forbids it; true when connected.
    bool connect();
    bool connected() const;
    // How many times a command or connection failed since start (for statistics).
    std::uint64_t failureCount() const;
    // How many commands were sent since start, each one wait for Redis's answer.
    std::uint64_t waits() const { return waits_.load(); }
    // Where this connection points, for logs: never includes the password.
    std::string describeServer() const;

  private:
    Result<void> connectLocked();
    Result<void> handshakeLocked();
    Result<RedisReply> sendLocked(const std::vector<std::string>& arguments);
    void failLocked(const std::string& reason);
    void disconnectLocked();

    RedisSettings settings_;
    Logger& logger_;
    mutable std::mutex mutex_;
    redisContext* context_ = nullptr;
    Clock::time_point nextAttempt_{};
    std::chrono::milliseconds delay_{0};
    bool reportedDown_ = false;
    std::uint64_t failures_ = 0;
    std::atomic<std::uint64_t> waits_{0};
};

}  // namespace mailgate
