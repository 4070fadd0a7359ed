// mailgate_dns_bench: measures the DNS-driven checks against a DNS server the caller
// runs (bench/dns_checks.py starts a loopback NSD with its zones and compares with
// peers). `spf` prints SPF evaluations per second with a warm cache; `dnsbl` prints the
// latency of the DNSBL check over the given zones. This file reads the command line
// only; it is a benchmark, not a test, and it asserts nothing about timing.
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "bench/DnsblCheckBench.hpp"
#include "bench/SpfEvaluationBench.hpp"

namespace {

constexpr const char* kUsage =
    "usage: mailgate_dns_bench spf --dns HOST:PORT --ip A --sender S --helo H\n"
    "                              [--seconds N] [--concurrency C]\n"
    "       mailgate_dns_bench dnsbl --dns HOST:PORT --zones Z1,Z2,... --ip LISTED\n"
    "                                --clean-ip NOT_LISTED [--count N] [--concurrency C]\n";

std::vector<std::string> splitOnCommas(const std::string& text) {
    std::vector<std::string> items;
    std::size_t start = 0;
    while (start <= text.size()) {
        auto comma = text.find(',', start);
        auto end = comma == std::string::npos ? text.size() : comma;
        if (end > start) {
            items.push_back(text.substr(start, end - start));
        }
        start = end + 1;
    }
    return items;
}

bool parseSpf(const std::vector<std::string>& arguments, mailgate::bench::SpfBenchSettings& out) {
    for (std::size_t i = 0; i + 1 < arguments.size(); i += 2) {
        const auto& name = arguments[i];
        const auto& value = arguments[i + 1];
        if (name == "--dns") {
            out.servers.push_back(value);
        } else if (name == "--ip") {
            out.ip = value;
        } else if (name == "--sender") {
            out.sender = value;
        } else if (name == "--helo") {
            out.helo = value;
        } else if (name == "--seconds") {
            out.seconds = std::atof(value.c_str());
        } else if (name == "--concurrency") {
            out.concurrency = std::atoi(value.c_str());
        } else {
            return false;
        }
    }
    return arguments.size() % 2 == 0 && !out.servers.empty() && !out.ip.empty() &&
           !out.helo.empty() && out.seconds > 0 && out.concurrency > 0;
}

bool parseDnsbl(const std::vector<std::string>& arguments,
                mailgate::bench::DnsblBenchSettings& out) {
    for (std::size_t i = 0; i + 1 < arguments.size(); i += 2) {
        const auto& name = arguments[i];
        const auto& value = arguments[i + 1];
        if (name == "--dns") {
            out.servers.push_back(value);
        } else if (name == "--zones") {
            out.zones = splitOnCommas(value);
        } else if (name == "--ip") {
            out.listed_ip = value;
        } else if (name == "--clean-ip") {
            out.clean_ip = value;
        } else if (name == "--count") {
            out.count = std::atoi(value.c_str());
        } else if (name == "--concurrency") {
            out.concurrency = std::atoi(value.c_str());
        } else {
            return false;
        }
    }
    return arguments.size() % 2 == 0 && !out.servers.empty() && !out.zones.empty() &&
           !out.listed_ip.empty() && !out.clean_ip.empty() && out.count > 0 && out.concurrency > 0;
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string> arguments(argv + 1, argv + argc);
    if (arguments.empty()) {
        std::cerr << kUsage;
        return 2;
    }
    auto mode = arguments.front();
    arguments.erase(arguments.begin());
    if (mode == "spf") {
        mailgate::bench::SpfBenchSettings settings;
        if (parseSpf(arguments, settings)) {
            return mailgate::bench::runSpfBench(settings);
        }
    } else if (mode == "dnsbl") {
        mailgate::bench::DnsblBenchSettings settings;
        if (parseDnsbl(arguments, settings)) {
            return mailgate::bench::runDnsblBench(settings);
        }
    }
    std::cerr << kUsage;
    return 2;
}
