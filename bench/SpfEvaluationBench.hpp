// The `spf` mode of mailgate_dns_bench: SPF check_host() evaluations per second through
// mailgate's own SpfEvaluator and libunbound resolver, with the resolver's cache warm,
// from C concurrent coroutines on one io_context thread. It prints one key=value line
// (rate, p50, p99, the result keyword); it starts no DNS server (bench/dns_checks.py
// does) and judges nothing.
#pragma once

#include <string>
#include <vector>

namespace mailgate::bench {

struct SpfBenchSettings {
    std::vector<std::string> servers;  // "127.0.0.1:PORT"
    std::string ip;
    std::string sender;
    std::string helo;
    double seconds = 5;
    int concurrency = 1;
};

// 0 when it ran (whatever the result keyword), 1 when it could not start or a result
// changed during the run.
int runSpfBench(const SpfBenchSettings& settings);

}  // namespace mailgate::bench
