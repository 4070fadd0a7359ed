// runBlocking: a coroutine run on the calling thread until it is done, for callers
// that are not coroutines themselves (libmilter's worker threads, mailgatectl, tests).
// It gets an io_context of its own, kept running until the coroutine finishes even while
// it waits for an answer another thread will post back (the Redis client's). An exception
// the coroutine throws is rethrown here.
#pragma once

#include <exception>
#include <optional>

#include "gateway/util/Asio.hpp"

namespace mailgate {

template <class T>
T runBlocking(boost::asio::awaitable<T> task) {
    boost::asio::io_context io;
    auto work = boost::asio::make_work_guard(io);
    std::optional<T> result;
    std::exception_ptr failure;
    // Through a coroutine that stores the value, so T needs no default constructor
    // (Result<T> has none).
    boost::asio::co_spawn(
        io,
        [&result, task = std::move(task)]() mutable -> boost::asio::awaitable<void> {
            result.emplace(co_await std::move(task));
        },
        [&](std::exception_ptr error) {
            failure = error;
            work.reset();
        });
    io.run();
    if (failure) {
        std::rethrow_exception(failure);
    }
    return std::move(*result);
}

}  // namespace mailgate
