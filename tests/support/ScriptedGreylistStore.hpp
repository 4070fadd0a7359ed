// ScriptedGreylistStore: a GreylistStore for GreylistCheck's unit tests that answers
// what the test scripted (an observation, or a failure) and records the triplets it was
// asked about. It has no greylisting logic of its own: the real store's semantics are
// tested against a real Redis in tests/store/RedisGreylistStoreTest.cpp.
#pragma once

#include <deque>
#include <vector>

#include "gateway/checks/greylist/GreylistStore.hpp"

namespace mailgate::testing {

class ScriptedGreylistStore : public GreylistStore {
  public:
    void answer(GreylistObservation observation) { answers_.emplace_back(observation); }
    void fail(std::string reason) { answers_.emplace_back(makeError(std::move(reason))); }

    boost::asio::awaitable<Result<GreylistObservation>> observe(GreylistTriplet triplet,
                                                                std::int64_t now,
                                                                GreylistTiming timing) override {
        asked.push_back(triplet);
        last_now = now;
        last_timing = timing;
        if (answers_.empty()) {
            co_return makeError("test: nothing scripted");
        }
        auto next = std::move(answers_.front());
        answers_.pop_front();
        co_return next;
    }

    std::chrono::milliseconds latencyBound() const override { return bound; }

    std::chrono::milliseconds bound{0};
    std::vector<GreylistTriplet> asked;
    std::int64_t last_now = 0;
    GreylistTiming last_timing;

  private:
    std::deque<Result<GreylistObservation>> answers_;
};

}  // namespace mailgate::testing
