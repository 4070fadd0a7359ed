// The auto-whitelist's Redis store and its arithmetic (see AutoWhitelist.hpp).
#include "gateway/checks/auto_whitelist/AutoWhitelist.hpp"

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <map>

#include "gateway/util/AsciiCase.hpp"

namespace mailgate {
namespace {

// KEYS[1] the network's hash; ARGV: sender, score, expiry. Adds the message, in one step.
const char* const kLearn = R"lua(
redis.call('HINCRBY', KEYS[1], 'c|' .. ARGV[1], 1)
redis.call('HINCRBYFLOAT', KEYS[1], 't|' .. ARGV[1], ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[3])
return 1
)lua";

std::string senderField(std::string_view sender) {
    return lowerCase(sender.empty() ? "<>" : sender);
}

std::string formatNumber(double value) {
    char text[40];
    std::snprintf(text, sizeof text, "%.4f", value);
    return text;
}

std::string networkKey(RedisConnection& redis, std::string_view network) {
    return redis.key(awlKeyName(network));
}

}  // namespace

std::string awlKeyName(std::string_view network) {
    return "awl:{" + std::string(network) + "}";
}

std::vector<std::string> awlHistoryCommand(std::string key, std::string_view sender) {
    std::string field = senderField(sender);
    return {"HMGET", std::move(key), "c|" + field, "t|" + field};
}

Result<AwlHistory> awlHistoryFromReply(const Result<RedisReply>& reply) {
    if (!reply) {
        return makeError(reply.error());
    }
    if (reply->isError() || reply->elements.size() != 2) {
        return makeError("auto-whitelist history: unexpected answer " + reply->text);
    }
    AwlHistory history;
    history.count = std::atoll(reply->elements[0].text.c_str());
    history.total = std::strtod(reply->elements[1].text.c_str(), nullptr);
    return history;
}

std::vector<std::string> awlLearnCommand(std::string key, std::string_view sender, double score,
                                         std::int64_t expireAfterSeconds) {
    return {"EVAL",
            kLearn,
            "1",
            std::move(key),
            senderField(sender),
            formatNumber(score),
            std::to_string(expireAfterSeconds)};
}

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
    auto history =
        awlHistoryFromReply(redis_.command(awlHistoryCommand(networkKey(redis_, network), sender)));
    if (!history) {
        return history;
    }
    auto learned = redis_.command(
        awlLearnCommand(networkKey(redis_, network), sender, score, expireAfterSeconds));
    if (!learned) {
        return makeError(learned.error());
    }
    if (learned->isError()) {
        return makeError("auto-whitelist script failed: " + learned->text);
    }
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
