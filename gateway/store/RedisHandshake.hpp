// redisHandshake: the commands that open a Redis connection of the config, for both
// clients (the synchronous RedisConnection of mailgatectl and the health monitor, the
// asynchronous RedisClient of the daemons): AUTH when a password is set (with the user
// name when one is), SELECT when the database is not 0, then PING, which answers LOADING
// while Redis reads its dataset after a restart. A refused step is reported by its name
// only ("AUTH refused: ..."), never with its arguments, so the password stays out of logs.
#pragma once

#include <string>
#include <vector>

#include "gateway/config/Config.hpp"

namespace mailgate {

inline std::vector<std::vector<std::string>> redisHandshake(const RedisSettings& settings) {
    std::vector<std::vector<std::string>> steps;
    if (!settings.password.empty()) {
        if (settings.username.empty()) {
            steps.push_back({"AUTH", settings.password});
        } else {
            steps.push_back({"AUTH", settings.username, settings.password});
        }
    }
    if (settings.database != 0) {
        steps.push_back({"SELECT", std::to_string(settings.database)});
    }
    steps.push_back({"PING"});
    return steps;
}

}  // namespace mailgate
