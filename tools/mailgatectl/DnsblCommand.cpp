// mailgatectl dnsbl: asks the configured DNS lists about one client address through the
// daemons' own DnsblCheck (same zones, return codes, weights, deadline and decision) and
// prints each zone's answer, the whitelists, the total and the decision. --dns replaces
// dns.servers; --zone-dns ZONE=IP:PORT sends one zone's queries to a server of its own (a
// local rbldnsd mirror, or a test server). It sends no mail and changes nothing.
// Exit status 0 when every zone answered, 1 on a temporary DNS error or a bad config.
#include <iostream>
#include <map>

#include "gateway/checks/dnsbl/DnsblCheck.hpp"
#include "gateway/checks/dnsbl/DnsblDecision.hpp"
#include "gateway/dns/DnsResolver.hpp"
#include "tools/mailgatectl/CommandSetup.hpp"

namespace mailgate {
namespace {

constexpr const char* kUsage =
    "usage: mailgatectl dnsbl --ip ADDRESS [--dns IP:PORT]... [--zone-dns ZONE=IP:PORT]...\n"
    "                         [--zone SPEC]... [--timeout-ms N]\n";

// Sends each name to the resolver of the longest --zone-dns zone it lies in, or to the
// resolver of dns.servers.
class ZoneRoutedDnsLookup : public DnsLookup {
  public:
    explicit ZoneRoutedDnsLookup(std::shared_ptr<DnsResolver> fallback)
        : fallback_(std::move(fallback)) {}
    void route(std::string zone, std::shared_ptr<DnsResolver> resolver) {
        routes_[std::move(zone)] = std::move(resolver);
    }
    boost::asio::awaitable<DnsAnswer> resolve(std::string name, DnsType type) override {
        auto resolver = fallback_;
        std::size_t longest = 0;
        for (const auto& [zone, routed] : routes_) {
            bool inside =
                name == zone || (name.size() > zone.size() &&
                                 name.compare(name.size() - zone.size(), zone.size(), zone) == 0 &&
                                 name[name.size() - zone.size() - 1] == '.');
            if (inside && zone.size() > longest) {
                longest = zone.size();
                resolver = routed;
            }
        }
        co_return co_await resolver->resolve(std::move(name), type);
    }

  private:
    std::shared_ptr<DnsResolver> fallback_;
    std::map<std::string, std::shared_ptr<DnsResolver>> routes_;
};

struct DnsblOptions {
    std::string ip;
    std::vector<std::string> servers;
    std::vector<std::pair<std::string, std::string>> zone_servers;
    std::vector<std::string> zones;
    std::int64_t timeout_ms = 0;
};

bool parseOptions(const CommandLine& line, DnsblOptions& options) {
    const auto& arguments = line.arguments;
    for (std::size_t i = 0; i < arguments.size(); ++i) {
        const auto& argument = arguments[i];
        if (i + 1 >= arguments.size()) {
            return false;
        }
        const auto& value = arguments[++i];
        if (argument == "--ip") {
            options.ip = value;
        } else if (argument == "--dns") {
            options.servers.push_back(value);
        } else if (argument == "--zone") {
            options.zones.push_back(value);
        } else if (argument == "--timeout-ms") {
            options.timeout_ms = std::atoll(value.c_str());
        } else if (argument == "--zone-dns" && value.find('=') != std::string::npos) {
            auto equals = value.find('=');
            auto zone = value.substr(0, equals);
            while (!zone.empty() && zone.back() == '.') {
                zone.pop_back();
            }
            for (char& c : zone) {
                c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            }
            options.zone_servers.emplace_back(zone, value.substr(equals + 1));
        } else {
            return false;
        }
    }
    return !options.ip.empty();
}

std::string joined(const std::vector<std::string>& items) {
    std::string text;
    for (const auto& item : items) {
        text += (text.empty() ? "" : ",") + item;
    }
    return text;
}

void printZone(const char* kind, const DnsblZoneResult& result) {
    std::cout << kind << " " << result.zone.zone << " label=" << result.zone.label
              << " weight=" << result.zone.weight << " " << dnsblZoneStatusName(result.status);
    switch (result.status) {
        case DnsblZoneStatus::Listed:
            std::cout << " answers=" << joined(result.answers);
            break;
        case DnsblZoneStatus::FilteredOut:
            std::cout << " (answer did not match " << result.zone.filter.describe()
                      << ") answers=" << joined(result.answers);
            break;
        case DnsblZoneStatus::TemporaryError:
            std::cout << ": " << result.error;
            break;
        case DnsblZoneStatus::NotListed:
            break;
    }
    if (!result.ignored_answers.empty()) {
        std::cout << " ignored=" << joined(result.ignored_answers)
                  << " (misbehaving list: answers outside 127.0.0.0/8)";
    }
    if (!result.reason.empty()) {
        std::cout << " reason=\"" << result.reason << "\"";  // printable ASCII already
    }
    if (!result.reason_error.empty()) {
        std::cout << " reason unavailable: " << result.reason_error;
    }
    std::cout << "\n";
}

int printReport(const DnsblReport& report, const DnsblCheck& check) {
    std::cout << "client " << report.client.toString() << " query name "
              << report.client.reversedName() << ".ZONE\n";
    if (!report.whitelisted_by_network.empty()) {
        std::cout << "whitelisted by network " << report.whitelisted_by_network
                  << " (dnsbl.whitelist_networks): no list asked\n";
    }
    bool temporaryError = false;
    for (const auto& result : report.blacklists) {
        printZone("blacklist", result);
        temporaryError |= result.status == DnsblZoneStatus::TemporaryError;
    }
    for (const auto& result : report.whitelists) {
        printZone("whitelist", result);
        temporaryError |= result.status == DnsblZoneStatus::TemporaryError;
    }
    auto outcome = dnsblOutcome(report, check.rejectThreshold());
    double total = 0;
    for (const auto& symbol : outcome.symbols) {
        std::cout << "symbol " << symbol.name << " score=" << symbol.score << " " << symbol.detail
                  << "\n";
        total += symbol.score;
    }
    std::cout << "total " << total << " (reject_threshold " << check.rejectThreshold() << ")\n";
    if (!outcome.dependency_failure.empty()) {
        std::cout << "dependency failure: " << outcome.dependency_failure << "\n";
    }
    if (outcome.rejects()) {
        std::cout << "decision: reject " << outcome.reply->toString() << "\n";
    } else {
        std::cout << "decision: no reject, score " << total << "\n";
    }
    return temporaryError ? 1 : 0;
}

}  // namespace

int runDnsbl(const CommandLine& line) {
    DnsblOptions options;
    if (!parseOptions(line, options)) {
        std::cerr << kUsage;
        return 2;
    }
    auto client = IpAddress::parse(options.ip);
    if (!client) {
        std::cerr << "mailgatectl dnsbl: " << client.error() << "\n";
        return 2;
    }
    auto loaded = loadCommandConfig(line);
    if (!loaded) {
        std::cerr << loaded.error();
        return 1;
    }
    Config config = std::move(*loaded);
    if (!options.zones.empty()) {
        config.dnsbl.zones = options.zones;
    }
    if (options.timeout_ms > 0) {
        config.dnsbl.timeout_ms = options.timeout_ms;
    }
    if (config.dnsbl.zones.empty() && config.dnsbl.whitelist_zones.empty()) {
        std::cerr << "mailgatectl dnsbl: no zones in dnsbl.zones or dnsbl.whitelist_zones\n";
        return 1;
    }
    if (!config.dnsbl.enabled) {
        std::cout << "note: dnsbl.enabled = false; the daemons do not ask these lists\n";
    }
    auto check = DnsblCheck::create(config.dnsbl);
    if (!check) {
        std::cerr << "mailgatectl dnsbl: " << check.error() << "\n";
        return 1;
    }
    boost::asio::io_context io;
    auto makeResolver = [&](std::vector<std::string> servers) {
        return DnsResolver::create(io, {std::move(servers), config.dns.timeout_ms});
    };
    auto fallback = makeResolver(options.servers.empty() ? config.dns.servers : options.servers);
    if (!fallback) {
        std::cerr << "mailgatectl dnsbl: " << fallback.error() << "\n";
        return 1;
    }
    ZoneRoutedDnsLookup lookup(*fallback);
    for (const auto& [zone, server] : options.zone_servers) {
        auto resolver = makeResolver({server});
        if (!resolver) {
            std::cerr << "mailgatectl dnsbl: --zone-dns " << zone << ": " << resolver.error()
                      << "\n";
            return 1;
        }
        lookup.route(zone, *resolver);
    }
    DnsblReport report;
    bool finished = false;
    boost::asio::co_spawn(io, (*check)->lookUp(*client, lookup),
                          [&](std::exception_ptr error, DnsblReport result) {
                              finished = !error;
                              report = std::move(result);
                              // Lookups still in flight at the deadline need not end.
                              io.stop();
                          });
    io.run();
    if (!finished) {
        std::cerr << "mailgatectl dnsbl: the lookups failed\n";
        return 1;
    }
    return printReport(report, **check);
}

}  // namespace mailgate
