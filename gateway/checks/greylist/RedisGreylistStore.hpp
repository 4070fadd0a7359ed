// RedisGreylistStore: greylisting state in Redis, one Lua script per observation (one
// round trip, atomic). Keys: the triplet hash (first, passed, seen) with a TTL of the
// retry window until it passes, then of the pass lifetime, renewed on each delivery; the
// origin hash (deliveries, counted, seen) with the pass lifetime. Every key has a TTL.
// The script is sent by SHA and loaded on NOSCRIPT. Key names: GreylistTriplet.
#pragma once

#include <memory>
#include <string>

#include "gateway/checks/greylist/GreylistStore.hpp"
#include "gateway/store/RedisClient.hpp"

namespace mailgate {

class RedisGreylistStore final : public GreylistStore {
  public:
    explicit RedisGreylistStore(std::shared_ptr<RedisClient> redis);

    boost::asio::awaitable<Result<GreylistObservation>> observe(GreylistTriplet triplet,
                                                                std::int64_t now,
                                                                GreylistTiming timing) override;
    // Two commands at worst: EVALSHA, and EVAL after a NOSCRIPT answer.
    std::chrono::milliseconds latencyBound() const override { return 2 * redis_->latencyBound(); }

    // The script's text, for tests and documentation.
    static const std::string& script();

  private:
    std::shared_ptr<RedisClient> redis_;
};

// Reads the script's reply {status, seconds, deliveries}.
Result<GreylistObservation> parseGreylistScriptReply(const RedisReply& reply);

}  // namespace mailgate
