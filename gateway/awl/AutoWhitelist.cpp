// The auto-whitelist's Redis store and its arithmetic (see AutoWhitelist.hpp).
#include "gateway/awl/AutoWhitelist.hpp"

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <map>

#include "gateway/util/AsciiCase.hpp"

namespace mailgate {
namespace {

// KEYS[1] the network's hash; ARGV: sender, score, expiry. Returns the history before.
const char* const kObserve = R"lua(
local count = tonumber(redis.call('HGET', KEYS[1], 'c|' .. ARGV[1])) or 0
local total = redis.call('HGET', KEYS[1], 't|' .. ARGV[1]) or '0'
redis.call('HINCRBY', KEYS[1], 'c|' .. ARGV[1], 1)
redis.call('HINCRBYFLOAT', KEYS[1], 't|' .. ARGV[1], ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[3])
return {count, total}
)lua";

std::string formatNumber(double value) {
    char text[40];
    std::snprintf(text, sizeof text, "%.4f", value);
    return text;
}

std::string networkKey(RedisConnection& redis, std::string_view network) {
    return redis.key("awl:{" + std::string(network) + "}");
}

}  // namespace

std::string awlNetwork(const IpAddress& client, unsigned ipv6Prefix) {
    if (client.isIpv4()) {
        return std::to_string(client.bytes()[0]) + "." + std::to_string(client.bytes()[1]);
    }
    auto network = IpNetwork::parse(client.toString() + "/" + std::to_string(ipv6Prefix));
    return network ? network->toString() : client.toString();
}

std::optional<Symbol> awlAdjustment(double score, const AwlHistory& history, double factor) {
    if (history.count <= 0) {
        return std::nullopt;
    }
    double mean = history.total / static_cast<double>(history.count);
    double delta = (mean - score) * factor;
    return Symbol{"AWL", delta,
                  "mean " + formatNumber(mean) + " over " + std::to_string(history.count) +
                      " earlier message(s)"};
}

Result<AwlHistory> AutoWhitelistStore::observe(std::string_view network, std::string_view sender,
                                               double score, std::int64_t expireAfterSeconds) {
    auto reply = redis_.command({"EVAL", kObserve, "1", networkKey(redis_, network),
                                 lowerCase(sender.empty() ? "<>" : sender), formatNumber(score),
                                 std::to_string(expireAfterSeconds)});
    if (!reply) {
        return makeError(reply.error());
    }
    if (reply->isError() || reply->elements.size() != 2) {
        return makeError("auto-whitelist script failed: " + reply->text);
    }
    AwlHistory history;
    history.count = reply->elements[0].integer;
    history.total = std::strtod(reply->elements[1].text.c_str(), nullptr);
    return history;
}

Result<std::vector<AutoWhitelistStore::SenderTotals>> AutoWhitelistStore::senders(
    std::string_view network) {
    auto reply = redis_.command({"HGETALL", networkKey(redis_, network)});
    if (!reply) {
        return makeError(reply.error());
    }
    std::map<std::string, SenderTotals> bySender;
    for (std::size_t i = 0; i + 1 < reply->elements.size(); i += 2) {
        const std::string& field = reply->elements[i].text;
        if (field.size() < 3 || field[1] != '|') {
            continue;
        }
        auto& totals = bySender[field.substr(2)];
        totals.sender = field.substr(2);
        if (field[0] == 'c') {
            totals.count = std::atoll(reply->elements[i + 1].text.c_str());
        } else {
            totals.total = std::strtod(reply->elements[i + 1].text.c_str(), nullptr);
        }
    }
    std::vector<SenderTotals> out;
    for (auto& [sender, totals] : bySender) {
        out.push_back(std::move(totals));
    }
    return out;
}

Result<std::vector<std::string>> AutoWhitelistStore::networks() {
    std::string prefix = redis_.key("awl:{");
    auto keys = redis_.scanKeys(prefix + "*}");
    if (!keys) {
        return makeError(keys.error());
    }
    std::vector<std::string> found;
    for (const auto& key : *keys) {
        found.push_back(key.substr(prefix.size(), key.size() - prefix.size() - 1));
    }
    return found;
}

Result<std::int64_t> AutoWhitelistStore::remove(std::string_view network, std::string_view sender) {
    std::string key = networkKey(redis_, network);
    auto reply =
        sender.empty()
            ? redis_.command({"DEL", key})
            : redis_.command({"HDEL", key, "c|" + lowerCase(sender), "t|" + lowerCase(sender)});
    if (!reply) {
        return makeError(reply.error());
    }
    return reply->integer;
}

}  // namespace mailgate
