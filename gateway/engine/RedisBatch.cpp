// Sending one message's store reads together (see RedisBatch.hpp).
#include "gateway/engine/RedisBatch.hpp"

#include "gateway/store/RedisClient.hpp"

namespace mailgate {

void RedisBatch::add(std::vector<std::string> command, Completion done) {
    commands_.push_back(std::move(command));
    completions_.push_back(std::move(done));
}

boost::asio::awaitable<std::size_t> RedisBatch::run(RedisClient* redis) {
    if (commands_.empty()) {
        co_return 0;
    }
    std::vector<Result<RedisReply>> replies;
    std::size_t waits = 0;
    if (redis == nullptr) {
        replies.assign(commands_.size(), makeError("no Redis in this run"));
    } else {
        replies = co_await redis->pipeline(std::move(commands_));
        waits = 1;
    }
    for (std::size_t i = 0; i < completions_.size(); ++i) {
        completions_[i](std::move(replies[i]));
    }
    commands_.clear();
    completions_.clear();
    co_return waits;
}

}  // namespace mailgate
