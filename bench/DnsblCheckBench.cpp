// DNSBL check latency, cold and warm, listed and not listed (see DnsblCheckBench.hpp).
// Each case runs N checks through C coroutines on one io_context thread that take the
// next check number from a shared counter; a check's latency is from calling
// DnsblCheck::check to its outcome. Cold cases count IPv4 addresses up from the given
// one, so no two checks share a DNS name; warm cases repeat the given address after one
// check that fills the cache.
#include "bench/DnsblCheckBench.hpp"

#include <algorithm>
#include <iomanip>
#include <iostream>

#include "bench/LatencySamples.hpp"
#include "gateway/checks/dnsbl/DnsblCheck.hpp"
#include "gateway/dns/DnsResolver.hpp"

namespace mailgate::bench {
namespace {

using Clock = std::chrono::steady_clock;

struct DnsblCase {
    const char* name;
    IpAddress first_address;
    bool distinct_addresses;
};

struct CaseRun {
    CaseRun(const DnsblCase& which, int checks) : what(which), count(checks) {}
    const DnsblCase& what;
    int count;
    int next = 0;
    LatencySamples latencies;
    std::string first_outcome;
    std::size_t changed_outcomes = 0;
};

IpAddress addressPlus(const IpAddress& address, std::uint32_t offset) {
    const std::uint8_t* bytes = address.bytes();
    std::uint32_t value = (std::uint32_t{bytes[0]} << 24) | (std::uint32_t{bytes[1]} << 16) |
                          (std::uint32_t{bytes[2]} << 8) | bytes[3];
    value += offset;
    std::uint8_t shifted[4] = {
        static_cast<std::uint8_t>(value >> 24), static_cast<std::uint8_t>(value >> 16),
        static_cast<std::uint8_t>(value >> 8), static_cast<std::uint8_t>(value)};
    return IpAddress::fromBytes(shifted, false);
}

// The symbols (sorted) and the reply asked for: what must not change within a case.
std::string describeOutcome(const CheckOutcome& outcome) {
    std::vector<std::string> names;
    for (const auto& symbol : outcome.symbols) {
        names.push_back(symbol.name);
    }
    std::sort(names.begin(), names.end());
    std::string text;
    for (const auto& name : names) {
        text += (text.empty() ? "" : "+") + name;
    }
    text = text.empty() ? "no_symbols" : text;
    return text + (outcome.rejects() ? ",reject" : outcome.defers() ? ",tempfail" : ",accept");
}

boost::asio::awaitable<void> checkUntilDone(const DnsblCheck& check, DnsLookup& dns, CaseRun& run) {
    while (run.next < run.count) {
        auto number = static_cast<std::uint32_t>(run.next++);
        SmtpSession session;
        session.client_address = run.what.distinct_addresses
                                     ? addressPlus(run.what.first_address, number)
                                     : run.what.first_address;
        session.helo = "client.bench.test";
        auto started = Clock::now();
        auto outcome = co_await check.check(session, dns);
        run.latencies.add(Clock::now() - started);
        auto described = describeOutcome(outcome);
        if (run.first_outcome.empty()) {
            run.first_outcome = described;
        } else if (described != run.first_outcome) {
            ++run.changed_outcomes;
        }
    }
}

// Runs one case and prints its line; returns the number of outcomes that changed.
std::size_t runCase(boost::asio::io_context& io, const DnsblCheck& check, DnsLookup& dns,
                    const DnsblCase& what, const DnsblBenchSettings& settings) {
    if (!what.distinct_addresses) {
        CaseRun warmUp(what, 1);
        boost::asio::co_spawn(io, checkUntilDone(check, dns, warmUp), boost::asio::detached);
        io.run();
        io.restart();
    }
    CaseRun run(what, settings.count);
    auto started = Clock::now();
    for (int i = 0; i < settings.concurrency; ++i) {
        boost::asio::co_spawn(io, checkUntilDone(check, dns, run), boost::asio::detached);
    }
    io.run();
    io.restart();
    double elapsed = std::chrono::duration<double>(Clock::now() - started).count();
    std::cout << std::fixed << std::setprecision(1) << "dnsbl case=" << what.name
              << " concurrency=" << settings.concurrency << " checks=" << run.latencies.count()
              << " seconds=" << std::setprecision(3) << elapsed << std::setprecision(1)
              << " rate=" << static_cast<double>(run.latencies.count()) / elapsed
              << " p50_us=" << run.latencies.percentileMicroseconds(0.50)
              << " p99_us=" << run.latencies.percentileMicroseconds(0.99)
              << " max_us=" << run.latencies.percentileMicroseconds(1.0)
              << " outcome=" << run.first_outcome << " changed_outcomes=" << run.changed_outcomes
              << "\n";
    return run.changed_outcomes;
}

}  // namespace

int runDnsblBench(const DnsblBenchSettings& settings) {
    auto listed = IpAddress::parse(settings.listed_ip);
    auto clean = IpAddress::parse(settings.clean_ip);
    if (!listed || !clean || !listed->isIpv4() || !clean->isIpv4()) {
        std::cerr << "mailgate_dns_bench dnsbl: --ip and --clean-ip take IPv4 addresses\n";
        return 1;
    }
    DnsblSettings dnsbl;
    dnsbl.enabled = true;
    dnsbl.zones = settings.zones;
    dnsbl.reject_threshold = 2;
    auto check = DnsblCheck::create(dnsbl);
    if (!check) {
        std::cerr << "mailgate_dns_bench dnsbl: " << check.error() << "\n";
        return 1;
    }
    boost::asio::io_context io(1);
    auto resolver = DnsResolver::create(io, {settings.servers, 2000});
    if (!resolver) {
        std::cerr << "mailgate_dns_bench dnsbl: " << resolver.error() << "\n";
        return 1;
    }
    const DnsblCase cases[] = {
        {"listed-cold", *listed, true},
        {"clean-cold", *clean, true},
        {"listed-warm", *listed, false},
        {"clean-warm", *clean, false},
    };
    std::size_t changed = 0;
    for (const auto& what : cases) {
        changed += runCase(io, **check, **resolver, what, settings);
    }
    return changed == 0 ? 0 : 1;
}

}  // namespace mailgate::bench
