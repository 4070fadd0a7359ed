// Concurrent DNS list lookups under one deadline (see DnsblQueries.hpp). Boost 1.74 has
// no experimental::make_parallel_group, so each lookup is its own coroutine on a strand,
// counting down; the last one to finish cancels the deadline timer the gatherer waits on.
#include "gateway/dnsbl/DnsblQueries.hpp"

#include <memory>

namespace mailgate {
namespace {

namespace asio = boost::asio;

// Shared by the gatherer and every lookup; lookups that outlive the deadline keep it
// alive and write into it after nobody reads it any more, which is harmless.
struct Gathering {
    Gathering(const asio::strand<asio::any_io_executor>& strand, std::size_t count)
        : deadline(strand), answers(count), remaining(count) {}
    asio::steady_timer deadline;
    std::vector<DnsblQueryAnswer> answers;
    std::size_t remaining;
};

asio::awaitable<void> askOne(std::shared_ptr<Gathering> gathering, DnsLookup& dns, DnsblQuery query,
                             std::size_t index) {
    auto address = co_await dns.resolve(query.name, DnsType::A);
    bool wantsReason = query.wants_reason && query.wants_reason(address);
    gathering->answers[index].address = std::move(address);
    gathering->answers[index].answered = true;
    if (wantsReason) {
        auto reason = co_await dns.resolve(query.name, DnsType::Txt);
        gathering->answers[index].reason = std::move(reason);
        gathering->answers[index].reason_answered = true;
    }
    if (--gathering->remaining == 0) {
        gathering->deadline.cancel();
    }
}

// Runs on the strand, as do the lookups it starts, so the counter and the timer are
// never touched by two threads at once.
asio::awaitable<std::vector<DnsblQueryAnswer>> gather(std::shared_ptr<Gathering> gathering,
                                                      DnsLookup& dns,
                                                      std::vector<DnsblQuery> queries,
                                                      std::chrono::milliseconds deadline) {
    auto strand = co_await asio::this_coro::executor;
    for (std::size_t i = 0; i < queries.size(); ++i) {
        asio::co_spawn(strand, askOne(gathering, dns, std::move(queries[i]), i), asio::detached);
    }
    // No suspension between this test and the wait: a lookup cannot finish in between.
    if (gathering->remaining > 0) {
        gathering->deadline.expires_after(deadline);
        boost::system::error_code cancelledWhenAllAnswered;
        co_await gathering->deadline.async_wait(
            asio::redirect_error(asio::use_awaitable, cancelledWhenAllAnswered));
    }
    co_return gathering->answers;
}

}  // namespace

asio::awaitable<std::vector<DnsblQueryAnswer>> askAllBefore(DnsLookup& dns,
                                                            std::vector<DnsblQuery> queries,
                                                            std::chrono::milliseconds deadline) {
    if (queries.empty()) {
        co_return std::vector<DnsblQueryAnswer>{};
    }
    auto strand = asio::make_strand(co_await asio::this_coro::executor);
    auto gathering = std::make_shared<Gathering>(strand, queries.size());
    co_return co_await asio::co_spawn(strand, gather(gathering, dns, std::move(queries), deadline),
                                      asio::use_awaitable);
}

}  // namespace mailgate
