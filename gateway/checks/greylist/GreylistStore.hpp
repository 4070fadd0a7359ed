// GreylistStore: where greylisting keeps its triplets and the per-origin delivery counts
// of the auto-whitelist, behind one question: "this triplet is seen now: what is it?".
// One call does the whole read-decide-write step atomically, so two MX nodes seeing the
// same retry at once agree. RedisGreylistStore is the real one; tests may use another.
// A store failure is an error value: the check then applies greylist.on_redis_failure.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "gateway/checks/greylist/GreylistTriplet.hpp"
#include "gateway/util/Asio.hpp"
#include "gateway/util/Result.hpp"

namespace mailgate {

struct GreylistTiming {
    std::int64_t delay_s = 300;
    std::int64_t retry_window_s = 172800;
    std::int64_t pass_lifetime_s = 3024000;           // also how long an origin's count lives
    std::int64_t origin_whitelist_after = 5;          // deliveries; 0: no auto-whitelist
    std::int64_t origin_whitelist_interval_s = 3600;  // at most one counted per interval
};

enum class GreylistStatus {
    New,          // first seen (or its retry window had passed): defer
    Early,        // seen, but the delay has not passed yet: defer
    Passed,       // the delay has passed: this attempt is the one that gets through
    Known,        // passed before: let through
    Whitelisted,  // the origin made enough deliveries: let through, no triplet kept
};

struct GreylistObservation {
    GreylistStatus status = GreylistStatus::New;
    // New, Early: seconds until a retry passes. Passed, Known: the delay it had.
    std::int64_t seconds = 0;
    std::int64_t origin_deliveries = 0;  // counted for the auto-whitelist
};

class GreylistStore {
  public:
    virtual ~GreylistStore() = default;
    virtual boost::asio::awaitable<Result<GreylistObservation>> observe(GreylistTriplet triplet,
                                                                        std::int64_t now,
                                                                        GreylistTiming timing) = 0;
    // The longest observe() can take before it answers or fails on its own.
    virtual std::chrono::milliseconds latencyBound() const = 0;
};

const char* greylistStatusName(GreylistStatus status);

}  // namespace mailgate
