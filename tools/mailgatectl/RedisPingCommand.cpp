// mailgatectl redis-ping: connects to the Redis server of the config and sends PING,
// printing one pass/fail line. Exit status 0 when Redis answered PONG, 1 otherwise.
#include <iostream>

#include "gateway/config/ConfigLoader.hpp"
#include "gateway/engine/CheckedConfig.hpp"
#include "gateway/store/RedisConnection.hpp"
#include "tools/mailgatectl/CommandSetup.hpp"

namespace mailgate {

int runRedisPing(const CommandLine& line) {
    auto outcome = loadCheckedConfig(line.config_path);
    if (!outcome.ok()) {
        std::cerr << describeProblems(outcome.problems);
        return 1;
    }
    Logger logger("mailgatectl");
    logger.configure(quietLogSettings());
    RedisConnection redis(outcome.config->redis, logger);
    auto reply = redis.command({"PING"});
    if (!reply) {
        std::cout << "redis " << redis.describeServer() << ": FAIL " << reply.error() << "\n";
        return 1;
    }
    if (reply->type != RedisReply::Type::Status || reply->text != "PONG") {
        std::cout << "redis " << redis.describeServer() << ": FAIL unexpected answer "
                  << reply->text << "\n";
        return 1;
    }
    std::cout << "redis " << redis.describeServer() << ": ok PONG\n";
    return 0;
}

}  // namespace mailgate
