// mailgatectl greylist: what greylisting holds in Redis, for postmasters. `list` prints
// every triplet (origin, normalised sender, recipient, waiting or passed, TTL), `show`
// and `remove` one triplet named as Postfix would present it (client address, sender,
// recipient: normalised and keyed exactly as the policy daemon does), `clients` the
// delivery counts of the auto-whitelist, `remove-client` an origin and all its triplets.
// Reads with SCAN, never KEYS, so a big Redis is not blocked. Exit 0 done (an empty
// list included), 1 Redis unusable or (show, remove) no such triplet, 2 bad usage.
#include <iostream>
#include <map>
#include <optional>

#include "gateway/checks/greylist/GreylistTriplet.hpp"
#include "gateway/checks/greylist/SenderNormalizer.hpp"
#include "gateway/log/LogLine.hpp"
#include "gateway/store/RedisConnection.hpp"
#include "gateway/util/AsciiCase.hpp"
#include "tools/mailgatectl/CommandSetup.hpp"
#include "tools/mailgatectl/JsonWriter.hpp"

namespace mailgate {
namespace {

const char* const kUsage =
    "usage: mailgatectl greylist list [--json] [--limit N]\n"
    "       mailgatectl greylist show --client ADDRESS --sender ADDRESS --recipient ADDRESS"
    " [--json]\n"
    "       mailgatectl greylist remove --client ADDRESS --sender ADDRESS --recipient ADDRESS\n"
    "       mailgatectl greylist clients [--json]\n"
    "       mailgatectl greylist remove-client ADDRESS|ORIGIN\n"
    "  ADDRESS is the client as Postfix sees it; its network (greylist.ipv4_prefix,\n"
    "  ipv6_prefix) is the origin. ORIGIN may also be spf:DOMAIN.\n";

struct Options {
    std::string action;
    bool json = false;
    std::size_t limit = 0;  // 0: all
    std::string client, sender, recipient;
    bool sender_given = false;
};

std::optional<Options> parseOptions(const std::vector<std::string>& arguments) {
    if (arguments.empty()) {
        return std::nullopt;
    }
    Options options;
    options.action = arguments[0];
    for (std::size_t i = 1; i < arguments.size(); ++i) {
        const std::string& option = arguments[i];
        if (option == "--json") {
            options.json = true;
            continue;
        }
        if (option.rfind("--", 0) != 0 && options.action == "remove-client" &&
            options.client.empty()) {
            options.client = option;
            continue;
        }
        if (i + 1 >= arguments.size()) {
            return std::nullopt;
        }
        const std::string& value = arguments[++i];
        if (option == "--limit") {
            options.limit = static_cast<std::size_t>(std::atoll(value.c_str()));
        } else if (option == "--client") {
            options.client = value;
        } else if (option == "--sender") {
            options.sender = value;
            options.sender_given = true;
        } else if (option == "--recipient") {
            options.recipient = value;
        } else {
            return std::nullopt;
        }
    }
    return options;
}

// A glob pattern matching `text` literally (SCAN MATCH).
std::string globLiteral(const std::string& text) {
    std::string out;
    for (char c : text) {
        if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
            out += '\\';
        }
        out += c;
    }
    return out;
}

// Every key matching the pattern, through SCAN; nothing on a Redis failure (printed).
std::optional<std::vector<std::string>> scanKeys(RedisConnection& redis,
                                                 const std::string& pattern) {
    auto keys = redis.scanKeys(pattern);
    if (!keys) {
        std::cerr << "mailgatectl greylist: " << keys.error() << "\n";
        return std::nullopt;
    }
    return std::move(*keys);
}

std::map<std::string, std::string> hashOf(RedisConnection& redis, const std::string& key) {
    std::map<std::string, std::string> fields;
    auto reply = redis.command({"HGETALL", key});
    if (reply && reply->type == RedisReply::Type::Array) {
        for (std::size_t i = 0; i + 1 < reply->elements.size(); i += 2) {
            fields[reply->elements[i].text] = reply->elements[i + 1].text;
        }
    }
    return fields;
}

std::int64_t ttlOf(RedisConnection& redis, const std::string& key) {
    auto reply = redis.command({"TTL", key});
    return reply ? reply->integer : -2;
}

void printTriplet(const GreylistTriplet& triplet, std::map<std::string, std::string> fields,
                  std::int64_t ttl, bool json) {
    bool passed = fields.count("passed") != 0;
    std::string state = passed ? "passed" : "waiting";
    if (json) {
        JsonWriter out;
        out.beginObject()
            .field("origin", triplet.origin)
            .field("sender", triplet.sender)
            .field("recipient", triplet.recipient)
            .field("state", state)
            .field("first_seen", static_cast<std::int64_t>(std::atoll(fields["first"].c_str())))
            .field("delayed_s", static_cast<std::int64_t>(std::atoll(fields["passed"].c_str())))
            .field("ttl_s", ttl)
            .endObject();
        std::cout << out.text() << "\n";
        return;
    }
    std::cout << "origin=" << formatLogValue(triplet.origin)
              << " sender=" << formatLogValue(triplet.sender.empty() ? "<>" : triplet.sender)
              << " recipient=" << formatLogValue(triplet.recipient) << " state=" << state
              << " first_seen=" << fields["first"];
    if (passed) {
        std::cout << " delayed_s=" << fields["passed"];
    }
    std::cout << " ttl_s=" << ttl << "\n";
}

// The origin an address stands for, or the text itself when it already is an origin.
std::string originFor(const std::string& client, const GreylistSettings& settings) {
    if (auto address = IpAddress::parse(client)) {
        return clientNetworkOrigin(*address, static_cast<unsigned>(settings.ipv4_prefix),
                                   static_cast<unsigned>(settings.ipv6_prefix));
    }
    return client;
}

int listTriplets(RedisConnection& redis, const Options& options) {
    auto keys = scanKeys(redis, globLiteral(redis.key("greylist:{")) + "*}:*");
    if (!keys) {
        return 1;
    }
    std::size_t shown = 0;
    for (const auto& key : *keys) {
        GreylistTriplet triplet;
        if (!parseTripletKey(std::string_view(key).substr(redis.key("").size()), triplet)) {
            continue;
        }
        printTriplet(triplet, hashOf(redis, key), ttlOf(redis, key), options.json);
        if (options.limit > 0 && ++shown >= options.limit) {
            break;
        }
    }
    return 0;
}

int listClients(RedisConnection& redis, const Config& config, const Options& options) {
    auto keys = scanKeys(redis, globLiteral(redis.key("greylist:{")) + "*}");
    if (!keys) {
        return 1;
    }
    auto prefix = redis.key("greylist:{");
    for (const auto& key : *keys) {
        std::string origin = key.substr(prefix.size(), key.size() - prefix.size() - 1);
        auto fields = hashOf(redis, key);
        std::int64_t deliveries = std::atoll(fields["deliveries"].c_str());
        bool whitelisted = config.greylist.origin_whitelist_after > 0 &&
                           deliveries >= config.greylist.origin_whitelist_after;
        if (options.json) {
            JsonWriter out;
            out.beginObject()
                .field("origin", origin)
                .field("deliveries", deliveries)
                .field("whitelisted", whitelisted)
                .field("ttl_s", ttlOf(redis, key))
                .endObject();
            std::cout << out.text() << "\n";
        } else {
            std::cout << origin << " deliveries=" << deliveries
                      << " whitelisted=" << (whitelisted ? "yes" : "no")
                      << " ttl_s=" << ttlOf(redis, key) << "\n";
        }
    }
    return 0;
}

int oneTriplet(RedisConnection& redis, const Config& config, const Options& options) {
    if (options.client.empty() || !options.sender_given || options.recipient.empty()) {
        std::cerr << kUsage;
        return 2;
    }
    GreylistTriplet triplet;
    triplet.origin = originFor(options.client, config.greylist);
    triplet.sender = normalizeGreylistSender(options.sender);
    triplet.recipient = lowerCase(options.recipient);
    std::string key = redis.key(triplet.tripletKey());
    auto fields = hashOf(redis, key);
    if (fields.empty()) {
        std::cout << "no such triplet: " << formatLogValue(triplet.tripletKey()) << "\n";
        return 1;
    }
    if (options.action == "remove") {
        auto removed = redis.command({"DEL", key});
        std::cout << "removed " << (removed ? removed->integer : 0) << " keys\n";
        return removed ? 0 : 1;
    }
    printTriplet(triplet, fields, ttlOf(redis, key), options.json);
    return 0;
}

int removeClient(RedisConnection& redis, const Config& config, const Options& options) {
    if (options.client.empty()) {
        std::cerr << kUsage;
        return 2;
    }
    std::string originKey =
        redis.key("greylist:{" + originFor(options.client, config.greylist) + "}");
    auto keys = scanKeys(redis, globLiteral(originKey) + "*");
    if (!keys) {
        return 1;
    }
    std::int64_t removed = 0;
    for (const auto& key : *keys) {
        if (key == originKey || key.compare(0, originKey.size() + 1, originKey + ":") == 0) {
            auto reply = redis.command({"DEL", key});
            removed += reply ? reply->integer : 0;
        }
    }
    std::cout << "removed " << removed << " keys\n";
    return 0;
}

}  // namespace

int runGreylist(const CommandLine& line) {
    int status = 0;
    auto start = startCommand(line, "greylist", kUsage, parseOptions(line.arguments), true, status);
    if (!start) {
        return status;
    }
    auto* options = &start->options;
    const Config* loaded = &start->config;
    CommandRedis& connection = *start->redis;
    RedisConnection& redis = connection.connection();
    const std::string& action = options->action;
    if (action == "list") {
        return listTriplets(redis, *options);
    }
    if (action == "clients") {
        return listClients(redis, *loaded, *options);
    }
    if (action == "show" || action == "remove") {
        return oneTriplet(redis, *loaded, *options);
    }
    if (action == "remove-client") {
        return removeClient(redis, *loaded, *options);
    }
    std::cerr << kUsage;
    return 2;
}

}  // namespace mailgate
