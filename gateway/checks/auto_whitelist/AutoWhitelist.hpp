// AutoWhitelist (C6, docs/features.md), with SpamAssassin's semantics: the identity is the sender
// address and the client's network (the first two octets of an IPv4 address, a /48 of an
// IPv6 one); Redis keeps each identity's Count and Total Score in one hash per network
// ("awl:{NETWORK}", fields "c|SENDER" and "t|SENDER"), expiring after awl.expire_after_s
// without mail. A message moves towards its sender's mean: score + (mean - score) * factor,
// the mean taken over earlier messages; the totals are then updated with the message's own
// score (before the adjustment; list and rule symbols, which score 0, do not count).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/engine/Symbol.hpp"
#include "gateway/net/IpAddress.hpp"
#include "gateway/store/RedisConnection.hpp"
#include "gateway/store/RedisReply.hpp"

namespace mailgate {

struct AwlHistory {
    std::int64_t count = 0;  // messages before this one
    double total = 0;
};

// "awl:{192.0}" without the key prefix.
std::string awlKeyName(std::string_view network);
// The commands of the auto-whitelist (keys with the prefix), shared by the store and the
// content stage's check: read an identity's history; add one message's score to it.
std::vector<std::string> awlHistoryCommand(std::string key, std::string_view sender);
Result<AwlHistory> awlHistoryFromReply(const Result<RedisReply>& reply);
std::vector<std::string> awlLearnCommand(std::string key, std::string_view sender, double score,
                                         std::int64_t expireAfterSeconds);

class AutoWhitelistStore {
  public:
    explicit AutoWhitelistStore(RedisConnection& redis) : redis_(redis) {}

    // Reads the identity's history, then adds this message's score to it.
    Result<AwlHistory> observe(std::string_view network, std::string_view sender, double score,
                               std::int64_t expireAfterSeconds);

    struct SenderTotals {
        std::string sender;
        std::int64_t count = 0;
        double total = 0;
    };
    Result<std::vector<SenderTotals>> senders(std::string_view network);
    Result<std::vector<std::string>> networks();
    // Removes one sender of a network, or the whole network when `sender` is empty.
    Result<std::int64_t> remove(std::string_view network, std::string_view sender);

  private:
    RedisConnection& redis_;
};

// "192.0" for 192.0.2.7; "2001:db8:1::/48" for an IPv6 address (prefix from awl settings).
std::string awlNetwork(const IpAddress& client, unsigned ipv6Prefix);
// The AWL symbol for a message with `score` and this history, or nothing for a first one.
std::optional<Symbol> awlAdjustment(double score, const AwlHistory& history, double factor);

}  // namespace mailgate
