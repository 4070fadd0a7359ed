// mailgatectl awl: the auto-whitelist's history in Redis (C6, docs/features.md), for postmasters.
// `list` prints every network with its messages (count), total and mean score over all its
// senders; `show` the senders behind one network; `remove` a network, or one sender of it.
// A network is named as `list` prints it ("192.0", "2001:db8:1::/48") or by any client
// address in it. Reads with SCAN, never KEYS. Exit 0 done (an empty list included), 1
// Redis unusable or (show, remove) nothing there, 2 bad usage.
#include <cstdio>
#include <iostream>
#include <optional>

#include "gateway/checks/auto_whitelist/AutoWhitelist.hpp"
#include "gateway/log/LogLine.hpp"
#include "gateway/store/RedisConnection.hpp"
#include "tools/mailgatectl/CommandSetup.hpp"
#include "tools/mailgatectl/JsonWriter.hpp"

namespace mailgate {
namespace {

const char* const kUsage =
    "usage: mailgatectl awl list [--json]\n"
    "       mailgatectl awl show NETWORK|ADDRESS [--json]\n"
    "       mailgatectl awl remove NETWORK|ADDRESS [SENDER]\n"
    "  NETWORK as `awl list` prints it (192.0, 2001:db8:1::/48); an ADDRESS stands for\n"
    "  its network (awl.ipv6_prefix for IPv6).\n";

struct Options {
    std::string action;
    std::string network;
    std::string sender;
    bool json = false;
};

std::optional<Options> parseOptions(const std::vector<std::string>& arguments) {
    Options options;
    std::vector<std::string> words;
    for (const auto& argument : arguments) {
        if (argument == "--json") {
            options.json = true;
        } else {
            words.push_back(argument);
        }
    }
    if (words.empty()) {
        return std::nullopt;
    }
    options.action = words[0];
    std::size_t most = options.action == "list" ? 1 : options.action == "show" ? 2 : 3;
    std::size_t least = options.action == "list" ? 1 : 2;
    if ((options.action != "list" && options.action != "show" && options.action != "remove") ||
        words.size() < least || words.size() > most) {
        return std::nullopt;
    }
    options.network = words.size() > 1 ? words[1] : "";
    options.sender = words.size() > 2 ? words[2] : "";
    return options;
}

std::string networkNamed(const std::string& text, const AwlSettings& settings) {
    if (auto address = IpAddress::parse(text)) {
        return awlNetwork(*address, static_cast<unsigned>(settings.ipv6_prefix));
    }
    return text;
}

std::string formatMean(double total, std::int64_t count) {
    char text[40];
    std::snprintf(text, sizeof text, "%.2f", count > 0 ? total / static_cast<double>(count) : 0.0);
    return text;
}

void printTotals(const std::string& label, const std::string& name, std::int64_t count,
                 double total, std::size_t senders, bool json) {
    std::string mean = formatMean(total, count);
    if (json) {
        JsonWriter out;
        out.beginObject().field(label, name).field("count", count).field("total", total);
        out.field("mean", count > 0 ? total / static_cast<double>(count) : 0.0);
        if (label == "network") {
            out.field("senders", static_cast<std::uint64_t>(senders));
        }
        out.endObject();
        std::cout << out.text() << "\n";
        return;
    }
    char totalText[40];
    std::snprintf(totalText, sizeof totalText, "%.2f", total);
    std::cout << label << "=" << formatLogValue(name) << " count=" << count
              << " total=" << totalText << " mean=" << mean;
    if (label == "network") {
        std::cout << " senders=" << senders;
    }
    std::cout << "\n";
}

int list(AutoWhitelistStore& store, const Options& options) {
    auto networks = store.networks();
    if (!networks) {
        std::cerr << "mailgatectl awl: " << networks.error() << "\n";
        return 1;
    }
    for (const auto& network : *networks) {
        auto senders = store.senders(network);
        if (!senders) {
            std::cerr << "mailgatectl awl: " << senders.error() << "\n";
            return 1;
        }
        std::int64_t count = 0;
        double total = 0;
        for (const auto& sender : *senders) {
            count += sender.count;
            total += sender.total;
        }
        printTotals("network", network, count, total, senders->size(), options.json);
    }
    return 0;
}

int show(AutoWhitelistStore& store, const std::string& network, bool json) {
    auto senders = store.senders(network);
    if (!senders) {
        std::cerr << "mailgatectl awl: " << senders.error() << "\n";
        return 1;
    }
    if (senders->empty()) {
        std::cout << "no auto-whitelist entries for network " << formatLogValue(network) << "\n";
        return 1;
    }
    for (const auto& sender : *senders) {
        printTotals("sender", sender.sender, sender.count, sender.total, 0, json);
    }
    return 0;
}

}  // namespace

int runAwl(const CommandLine& line) {
    int status = 0;
    auto start = startCommand(line, "awl", kUsage, parseOptions(line.arguments), true, status);
    if (!start) {
        return status;
    }
    auto* options = &start->options;
    const Config* loaded = &start->config;
    CommandRedis& redis = *start->redis;
    AutoWhitelistStore store(redis.connection());
    if (options->action == "list") {
        return list(store, *options);
    }
    std::string network = networkNamed(options->network, loaded->awl);
    if (options->action == "show") {
        return show(store, network, options->json);
    }
    auto removed = store.remove(network, options->sender);
    if (!removed) {
        std::cerr << "mailgatectl awl: " << removed.error() << "\n";
        return 1;
    }
    std::cout << "removed " << *removed << (options->sender.empty() ? " network" : " fields")
              << " of " << formatLogValue(network) << "\n";
    return *removed > 0 ? 0 : 1;
}

}  // namespace mailgate
