// RedisBatch: the store reads of one message (every recipient's personal lists, the
// auto-whitelist's history; later Bayes tokens), collected from the checks that need them
// and sent together, pipelined on the asynchronous Redis client, with one wait for all
// answers instead of one round trip per read. Each command's completion then runs on the
// awaiting coroutine, in the order the commands were added. Without a Redis client (a
// process that has none, `mailgatectl scan --no-redis`) every completion gets an error
// value saying so. It builds no keys: the checks do, with the client's key prefix.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "gateway/store/RedisReply.hpp"
#include "gateway/util/Asio.hpp"
#include "gateway/util/Result.hpp"

namespace mailgate {

class RedisClient;

class RedisBatch {
  public:
    using Completion = std::function<void(Result<RedisReply>)>;

    void add(std::vector<std::string> command, Completion done);
    bool empty() const { return commands_.empty(); }
    std::size_t size() const { return commands_.size(); }
    // Sends the commands and runs each completion once; does nothing when empty.
    // Returns the number of waits on Redis it took (0 or 1).
    boost::asio::awaitable<std::size_t> run(RedisClient* redis);

  private:
    std::vector<std::vector<std::string>> commands_;
    std::vector<Completion> completions_;
};

}  // namespace mailgate
