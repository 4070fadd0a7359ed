// awaitAll: runs several coroutines at once and returns their results in the order given,
// when the last one has finished. The checks use it so that the lookups of one SMTP
// session (each check, each forward-confirmation name) cost the slowest lookup, not the
// sum. Boost 1.74 has no awaitable operators or channels, hence this small helper. It
// bounds nothing itself: each task must finish (DnsLookup guarantees a deadline).
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
    std::vector<T> results;
    std::size_t remaining;
    std::exception_ptr error;
    // Waited on until the last task cancels it: Boost 1.74's stand-in for a latch.
    boost::asio::steady_timer timer;
};

// Runs on a strand, so the counter needs no lock and the wait starts before any task
// can finish and cancel it.
template <class T>
boost::asio::awaitable<std::vector<T>> gather(std::vector<boost::asio::awaitable<T>> tasks) {
    auto executor = co_await boost::asio::this_coro::executor;
    auto state = std::make_shared<GatherState<T>>(executor, tasks.size());
    state->timer.expires_at(std::chrono::steady_clock::time_point::max());
    for (std::size_t i = 0; i < tasks.size(); ++i) {
        boost::asio::co_spawn(executor, std::move(tasks[i]),
                              [state, i](std::exception_ptr error, T value) {
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
        boost::system::error_code cancelled;
        co_await state->timer.async_wait(
            boost::asio::redirect_error(boost::asio::use_awaitable, cancelled));
    }
    // Tasks promise not to throw; one that does is a programmer error and surfaces here.
    if (state->error) {
        std::rethrow_exception(state->error);
    }
    co_return std::move(state->results);
}

}  // namespace await_all_detail

template <class T>
boost::asio::awaitable<std::vector<T>> awaitAll(std::vector<boost::asio::awaitable<T>> tasks) {
    if (tasks.empty()) {
        co_return std::vector<T>{};
    }
    auto executor = co_await boost::asio::this_coro::executor;
    co_return co_await boost::asio::co_spawn(boost::asio::make_strand(executor),
                                             await_all_detail::gather(std::move(tasks)),
                                             boost::asio::use_awaitable);
}

}  // namespace mailgate
