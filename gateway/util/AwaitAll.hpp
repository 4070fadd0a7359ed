// awaitAll and awaitAllUntil: run several coroutines at once and return their results in
// the order given. awaitAll waits for the last one, so the lookups of one SMTP session
// cost the slowest lookup, not the sum. awaitAllUntil stops waiting at a deadline and
// returns nothing for the tasks not finished by then (they run on and their results are
// dropped), so the policy daemon answers in time whatever a dependency does. Boost 1.74
// has no awaitable operators, parallel groups or channels, hence this small helper.
// A task that outlives its caller must own what it reads (pass shared_ptrs, not refs).
#pragma once

#include <chrono>
#include <exception>
#include <memory>
#include <optional>
#include <vector>

#include "gateway/util/Asio.hpp"

namespace mailgate {
namespace await_all_detail {

template <class T>
struct GatherState {
    GatherState(const boost::asio::any_io_executor& executor, std::size_t count)
        : results(count), remaining(count), timer(executor) {}
    std::vector<std::optional<T>> results;
    std::size_t remaining;
    bool closed = false;  // the caller has its results; late tasks are dropped
    std::exception_ptr error;
    // Waited on until the deadline or until the last task cancels it: Boost 1.74's
    // stand-in for a latch.
    boost::asio::steady_timer timer;
};

// Runs on a strand, so the counter needs no lock and the wait starts before any task
// can finish and cancel it.
template <class T>
boost::asio::awaitable<std::vector<std::optional<T>>> gather(
    std::vector<boost::asio::awaitable<T>> tasks, std::chrono::steady_clock::time_point deadline) {
    auto executor = co_await boost::asio::this_coro::executor;
    auto state = std::make_shared<GatherState<T>>(executor, tasks.size());
    state->timer.expires_at(deadline);
    for (std::size_t i = 0; i < tasks.size(); ++i) {
        boost::asio::co_spawn(executor, std::move(tasks[i]),
                              [state, i](std::exception_ptr error, T value) {
                                  if (state->closed) {
                                      return;
                                  }
                                  if (error && !state->error) {
                                      state->error = error;
                                  } else if (!error) {
                                      state->results[i] = std::move(value);
                                  }
                                  if (--state->remaining == 0) {
                                      state->timer.cancel();
                                  }
                              });
    }
    if (state->remaining > 0) {
        boost::system::error_code ended;
        co_await state->timer.async_wait(
            boost::asio::redirect_error(boost::asio::use_awaitable, ended));
    }
    state->closed = true;
    // Tasks promise not to throw; one that does is a programmer error and surfaces here.
    if (state->error) {
        std::rethrow_exception(state->error);
    }
    co_return std::move(state->results);
}

}  // namespace await_all_detail

// The results in task order; an empty optional for each task not done by the deadline.
template <class T>
boost::asio::awaitable<std::vector<std::optional<T>>> awaitAllUntil(
    std::vector<boost::asio::awaitable<T>> tasks, std::chrono::steady_clock::time_point deadline) {
    if (tasks.empty()) {
        co_return std::vector<std::optional<T>>{};
    }
    auto executor = co_await boost::asio::this_coro::executor;
    co_return co_await boost::asio::co_spawn(boost::asio::make_strand(executor),
                                             await_all_detail::gather(std::move(tasks), deadline),
                                             boost::asio::use_awaitable);
}

// Every task's result, in task order. It bounds nothing itself: each task must finish
// (DnsLookup guarantees a deadline).
template <class T>
boost::asio::awaitable<std::vector<T>> awaitAll(std::vector<boost::asio::awaitable<T>> tasks) {
    auto finished =
        co_await awaitAllUntil(std::move(tasks), std::chrono::steady_clock::time_point::max());
    std::vector<T> results;
    results.reserve(finished.size());
    for (auto& result : finished) {
        results.push_back(std::move(*result));
    }
    co_return results;
}

}  // namespace mailgate
