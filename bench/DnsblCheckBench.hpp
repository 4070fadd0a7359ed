// The `dnsbl` mode of mailgate_dns_bench: the latency of the daemons' DnsblCheck (every
// configured zone asked at once, then the decision) per check, over N checks at
// concurrency C, for a listed and a not-listed address, cold (N distinct addresses, so
// every check asks the server) and warm (one address repeated, answered from
// libunbound's cache). It prints one key=value line per case; it starts no DNS server.
#pragma once

#include <string>
#include <vector>

namespace mailgate::bench {

struct DnsblBenchSettings {
    std::vector<std::string> servers;  // "127.0.0.1:PORT"
    std::vector<std::string> zones;    // [dnsbl] zones specs
    std::string listed_ip;             // first listed address; cold ones count up from it
    std::string clean_ip;              // first not-listed address; likewise
    int count = 1000;
    int concurrency = 1;
};

// 0 when every case ran, 1 when it could not start or an outcome varied within a case.
int runDnsblBench(const DnsblBenchSettings& settings);

}  // namespace mailgate::bench
