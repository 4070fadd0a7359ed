// RedisHealthMonitor: a background thread that PINGs Redis every
// redis.health_check_interval_s, so an outage (and the recovery) is logged when it
// happens, not only when a check next needs Redis. The connection itself logs the
// transitions (redis_unavailable once per outage, redis_available on return) and
// applies its reconnect backoff; this class only keeps asking. Stops in its destructor.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "gateway/store/RedisConnection.hpp"

namespace mailgate {

class RedisHealthMonitor {
  public:
    RedisHealthMonitor(RedisConnection& redis, std::chrono::seconds interval);
    ~RedisHealthMonitor();
    RedisHealthMonitor(const RedisHealthMonitor&) = delete;
    RedisHealthMonitor& operator=(const RedisHealthMonitor&) = delete;

  private:
    void run();

    RedisConnection& redis_;
    std::chrono::seconds interval_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace mailgate
