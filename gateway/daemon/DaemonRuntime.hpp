// DaemonRuntime: what every mailgate daemon holds for its whole life once its startup
// config is loaded: the logger (configured from that config), the config holder that
// reloads swap into, the Redis connection and the monitor that keeps PINGing it. Built
// in this order, torn down in reverse. It knows no protocol: each daemon adds its own
// server on top.
#pragma once

#include <memory>
#include <string>

#include "gateway/config/ConfigHolder.hpp"
#include "gateway/log/Logger.hpp"
#include "gateway/store/RedisConnection.hpp"
#include "gateway/store/RedisHealthMonitor.hpp"

namespace mailgate {

class DaemonRuntime {
  public:
    DaemonRuntime(const std::string& program, ConfigSnapshot initial)
        : logger(program), config(initial), redis(initial->redis, logger) {
        logger.configure(initial->log);
        if (redis.connect()) {
            logger.info(LogLine("redis_connected").add("server", redis.describeServer()));
        }
        redisHealth_ = std::make_unique<RedisHealthMonitor>(
            redis, std::chrono::seconds(initial->redis.health_check_interval_s));
    }

    Logger logger;
    ConfigHolder config;
    RedisConnection redis;

  private:
    std::unique_ptr<RedisHealthMonitor> redisHealth_;
};

}  // namespace mailgate
