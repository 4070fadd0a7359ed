// SPF evaluations per second with a warm resolver cache (see SpfEvaluationBench.hpp).
// One evaluation warms the cache; then each of the C coroutines evaluates check_host in
// a loop with an SpfEvaluator of its own per evaluation (an evaluator holds one check's
// lookup counters), as the daemons do, until the time is up.
#include "bench/SpfEvaluationBench.hpp"

#include <iomanip>
#include <iostream>

#include "bench/LatencySamples.hpp"
#include "gateway/dns/DnsResolver.hpp"
#include "gateway/spf/SpfEvaluator.hpp"

namespace mailgate::bench {
namespace {

using Clock = std::chrono::steady_clock;

struct SpfRun {
    SpfQuery query;
    SpfOptions options;
    Clock::time_point end;
    SpfResultCode expected = SpfResultCode::None;
    LatencySamples latencies;
    std::size_t changed_results = 0;
};

SpfOptions benchOptions() {
    SpfOptions options;
    options.receiver = "bench.mailgate.test";
    return options;
}

boost::asio::awaitable<SpfResultCode> evaluateOnce(DnsLookup& dns, SpfRun& run) {
    SpfEvaluator evaluator(dns, run.options);
    auto result = co_await evaluator.checkMailFrom(run.query);
    co_return result.code;
}

boost::asio::awaitable<void> evaluateUntilEnd(DnsLookup& dns, SpfRun& run) {
    while (Clock::now() < run.end) {
        auto started = Clock::now();
        auto code = co_await evaluateOnce(dns, run);
        run.latencies.add(Clock::now() - started);
        if (code != run.expected) {
            ++run.changed_results;
        }
    }
}

}  // namespace

int runSpfBench(const SpfBenchSettings& settings) {
    auto client = IpAddress::parse(settings.ip);
    if (!client) {
        std::cerr << "mailgate_dns_bench spf: --ip: " << client.error() << "\n";
        return 1;
    }
    boost::asio::io_context io(1);
    auto resolver = DnsResolver::create(io, {settings.servers, 2000});
    if (!resolver) {
        std::cerr << "mailgate_dns_bench spf: " << resolver.error() << "\n";
        return 1;
    }
    DnsLookup& dns = **resolver;
    SpfRun run{SpfQuery{*client, settings.sender, settings.helo}, benchOptions(), {}, {}, {}, 0};

    boost::asio::co_spawn(
        io,
        [&]() -> boost::asio::awaitable<void> { run.expected = co_await evaluateOnce(dns, run); },
        boost::asio::detached);
    io.run();
    io.restart();

    auto started = Clock::now();
    run.end = started + std::chrono::duration_cast<Clock::duration>(
                            std::chrono::duration<double>(settings.seconds));
    for (int i = 0; i < settings.concurrency; ++i) {
        boost::asio::co_spawn(io, evaluateUntilEnd(dns, run), boost::asio::detached);
    }
    io.run();
    double elapsed = std::chrono::duration<double>(Clock::now() - started).count();

    std::cout << std::fixed << std::setprecision(1) << "spf concurrency=" << settings.concurrency
              << " evaluations=" << run.latencies.count() << " seconds=" << elapsed
              << " rate=" << static_cast<double>(run.latencies.count()) / elapsed
              << " p50_us=" << run.latencies.percentileMicroseconds(0.50)
              << " p99_us=" << run.latencies.percentileMicroseconds(0.99)
              << " result=" << spfResultName(run.expected)
              << " changed_results=" << run.changed_results << "\n";
    return run.changed_results == 0 ? 0 : 1;
}

}  // namespace mailgate::bench
