// Finding tracking records (see TrackingQuery.hpp).
#include "gateway/tracking/TrackingQuery.hpp"

#include <algorithm>
#include <set>

#include "gateway/tracking/TrackingStore.hpp"
#include "gateway/util/AsciiCase.hpp"

namespace mailgate {
namespace {

constexpr std::size_t kMaxIndexEntries = 5000;  // IDs read from one index
constexpr std::size_t kMaxScanned = 200000;     // records read without an index
constexpr std::size_t kScanPage = 1000;
constexpr std::size_t kMaxRelatedPerMessage = 200;
constexpr std::int64_t kRelatedWindowMs = 30 * 60 * 1000;

std::int64_t idMilliseconds(const std::string& id) {
    std::int64_t ms = 0;
    for (char c : id) {
        if (c < '0' || c > '9') {
            break;
        }
        ms = ms * 10 + (c - '0');
    }
    return ms;
}

std::string lowerScore(const TrackingQuery& query) {
    return query.since_ms ? std::to_string(*query.since_ms) : "-inf";
}

std::string upperScore(const TrackingQuery& query) {
    return query.until_ms ? std::to_string(*query.until_ms) : "+inf";
}

class Reader {
  public:
    Reader(RedisConnection& redis, TrackingAnswer& answer)
        : redis_(redis), keys_(trackingKeys(redis.key(""))), answer_(answer) {}

    // The IDs of one index in a score range, newest first.
    Result<std::vector<std::string>> indexed(const std::string& name, const std::string& upper,
                                             const std::string& lower, std::size_t most) {
        auto reply = redis_.command({"ZREVRANGEBYSCORE", keys_.index_prefix + name, upper, lower,
                                     "LIMIT", "0", std::to_string(most)});
        if (!reply) {
            return makeError(reply.error());
        }
        if (reply->isError()) {
            return makeError("Redis: " + reply->text);
        }
        std::vector<std::string> ids;
        for (const auto& element : reply->elements) {
            ids.push_back(element.text);
        }
        return ids;
    }

    // One entry by ID; nothing when it is gone (removed by a bound) or unreadable.
    Result<std::optional<TrackingEntry>> entry(const std::string& id) {
        auto reply = redis_.command({"XRANGE", keys_.records, id, id});
        if (!reply) {
            return makeError(reply.error());
        }
        if (reply->isError()) {
            return makeError("Redis: " + reply->text);
        }
        if (reply->elements.empty()) {
            return std::optional<TrackingEntry>();
        }
        return decoded(reply->elements[0]);
    }

    // Newest first, from `upper` down to `lower`, at most kScanPage.
    Result<std::vector<TrackingEntry>> page(const std::string& upper, const std::string& lower,
                                            std::string& lastId) {
        auto reply = redis_.command(
            {"XREVRANGE", keys_.records, upper, lower, "COUNT", std::to_string(kScanPage)});
        if (!reply) {
            return makeError(reply.error());
        }
        if (reply->isError()) {
            return makeError("Redis: " + reply->text);
        }
        std::vector<TrackingEntry> entries;
        for (const auto& element : reply->elements) {
            lastId = element.elements.empty() ? lastId : element.elements[0].text;
            if (auto one = decoded(element)) {
                entries.push_back(std::move(*one));
            }
        }
        return entries;
    }

  private:
    std::optional<TrackingEntry> decoded(const RedisReply& element) {
        auto entry = decodeTrackingEntry(element);
        if (!entry) {
            std::string id = element.elements.empty() ? "?" : element.elements[0].text;
            answer_.skipped.push_back(id + ": " + entry.error());
            return std::nullopt;
        }
        return std::move(*entry);
    }

    RedisConnection& redis_;
    TrackingKeys keys_;
    TrackingAnswer& answer_;
};

// The most selective index the query names, or "" (read the Stream).
std::string chosenIndex(const TrackingQuery& query) {
    if (!query.queue_id.empty()) {
        return trackingIndexName('q', query.queue_id);
    }
    if (!query.mailgate_id.empty()) {
        return trackingIndexName('m', query.mailgate_id);
    }
    if (!query.message_id.empty()) {
        return trackingIndexName('i', normalizedMessageId(query.message_id));
    }
    if (!query.recipient.empty()) {
        return trackingIndexName('r', query.recipient);
    }
    if (!query.sender.empty() && query.sender != "<>") {
        return trackingIndexName('s', query.sender);
    }
    return {};
}

Result<void> collectFromIndex(Reader& reader, const std::string& name, const TrackingQuery& query,
                              TrackingAnswer& answer) {
    auto ids = reader.indexed(name, upperScore(query), lowerScore(query), kMaxIndexEntries);
    if (!ids) {
        return makeError(ids.error());
    }
    for (const auto& id : *ids) {
        if (answer.entries.size() == query.limit) {
            answer.truncated = true;
            break;
        }
        auto entry = reader.entry(id);
        if (!entry) {
            return makeError(entry.error());
        }
        if (*entry && trackingRecordMatches((*entry)->record, query)) {
            answer.entries.push_back(std::move(**entry));
        }
    }
    return {};
}

Result<void> collectFromStream(Reader& reader, const TrackingQuery& query, TrackingAnswer& answer) {
    std::string upper = query.until_ms ? std::to_string(*query.until_ms) : "+";
    std::string lower = query.since_ms ? std::to_string(*query.since_ms) : "-";
    for (std::size_t scanned = 0; scanned < kMaxScanned; scanned += kScanPage) {
        std::string lastId;
        auto entries = reader.page(upper, lower, lastId);
        if (!entries) {
            return makeError(entries.error());
        }
        for (auto& entry : *entries) {
            if (!trackingRecordMatches(entry.record, query)) {
                continue;
            }
            if (answer.entries.size() == query.limit) {
                answer.truncated = true;
                return {};
            }
            answer.entries.push_back(std::move(entry));
        }
        if (lastId.empty()) {
            return {};
        }
        upper = "(" + lastId;
    }
    answer.truncated = true;
    return {};
}

bool sameTransaction(const TrackingRecord& policy, const TrackingRecord& message) {
    if (policy.stage != TrackingStage::Policy || policy.client_address != message.client_address ||
        !equalsIgnoreCase(policy.sender, message.sender)) {
        return false;
    }
    for (const auto& asked : policy.recipients) {
        for (const auto& recipient : message.recipients) {
            if (equalsIgnoreCase(asked.address, recipient.address)) {
                return true;
            }
        }
    }
    return false;
}

Result<void> addRelated(Reader& reader, TrackingAnswer& answer) {
    std::set<std::string> known;
    for (const auto& entry : answer.entries) {
        known.insert(entry.id);
    }
    std::vector<TrackingEntry> found;
    for (const auto& entry : answer.entries) {
        const TrackingRecord& message = entry.record;
        if (message.stage != TrackingStage::Content || message.recipients.empty()) {
            continue;
        }
        std::string name = message.sender.empty()
                               ? trackingIndexName('r', message.recipients[0].address)
                               : trackingIndexName('s', message.sender);
        std::int64_t at = idMilliseconds(entry.id);
        auto ids = reader.indexed(name, std::to_string(at), std::to_string(at - kRelatedWindowMs),
                                  kMaxRelatedPerMessage);
        if (!ids) {
            return makeError(ids.error());
        }
        for (const auto& id : *ids) {
            if (!known.insert(id).second) {
                continue;
            }
            auto policy = reader.entry(id);
            if (!policy) {
                return makeError(policy.error());
            }
            if (*policy && sameTransaction((*policy)->record, message)) {
                (*policy)->related = true;
                found.push_back(std::move(**policy));
            }
        }
    }
    for (auto& entry : found) {
        answer.entries.push_back(std::move(entry));
    }
    return {};
}

}  // namespace

bool streamIdBefore(const std::string& first, const std::string& second) {
    std::int64_t firstMs = idMilliseconds(first), secondMs = idMilliseconds(second);
    if (firstMs != secondMs) {
        return firstMs < secondMs;
    }
    auto sequence = [](const std::string& id) {
        auto dash = id.find('-');
        return dash == std::string::npos ? std::int64_t{0} : idMilliseconds(id.substr(dash + 1));
    };
    return sequence(first) < sequence(second);
}

bool trackingQueryHasIdentifier(const TrackingQuery& query) {
    return !query.queue_id.empty() || !query.mailgate_id.empty() || !query.message_id.empty() ||
           !query.sender.empty() || !query.recipient.empty();
}

bool trackingRecordMatches(const TrackingRecord& record, const TrackingQuery& query) {
    if ((!query.queue_id.empty() && record.queue_id != query.queue_id) ||
        (!query.mailgate_id.empty() && record.mailgate_id != query.mailgate_id) ||
        (!query.message_id.empty() && record.message_id != normalizedMessageId(query.message_id))) {
        return false;
    }
    if (!query.sender.empty()) {
        bool nullSender = query.sender == "<>";
        if (nullSender ? !record.sender.empty() : !equalsIgnoreCase(record.sender, query.sender)) {
            return false;
        }
    }
    if (!query.recipient.empty()) {
        bool named = std::any_of(record.recipients.begin(), record.recipients.end(),
                                 [&](const TrackedRecipient& one) {
                                     return equalsIgnoreCase(one.address, query.recipient);
                                 });
        if (!named) {
            return false;
        }
    }
    return (!query.since_ms || record.time_ms >= *query.since_ms) &&
           (!query.until_ms || record.time_ms <= *query.until_ms);
}

Result<TrackingEntry> decodeTrackingEntry(const RedisReply& entry) {
    if (entry.type != RedisReply::Type::Array || entry.elements.size() != 2 ||
        entry.elements[1].type != RedisReply::Type::Array ||
        entry.elements[1].elements.size() % 2 != 0) {
        return makeError("not a stream entry");
    }
    TrackingFields fields;
    const auto& values = entry.elements[1].elements;
    for (std::size_t i = 0; i + 1 < values.size(); i += 2) {
        fields.emplace_back(values[i].text, values[i + 1].text);
    }
    auto record = decodeTrackingRecord(fields);
    if (!record) {
        return makeError(record.error());
    }
    return TrackingEntry{entry.elements[0].text, std::move(*record), false};
}

Result<TrackingAnswer> queryTrackingRecords(RedisConnection& redis, const TrackingQuery& query) {
    TrackingAnswer answer;
    Reader reader(redis, answer);
    std::string index = chosenIndex(query);
    auto collected = index.empty() ? collectFromStream(reader, query, answer)
                                   : collectFromIndex(reader, index, query, answer);
    if (!collected) {
        return makeError(collected.error());
    }
    bool byMessage =
        !query.queue_id.empty() || !query.mailgate_id.empty() || !query.message_id.empty();
    if (query.related && byMessage) {
        if (auto related = addRelated(reader, answer); !related) {
            return makeError(related.error());
        }
    }
    std::sort(
        answer.entries.begin(), answer.entries.end(),
        [](const TrackingEntry& a, const TrackingEntry& b) { return streamIdBefore(a.id, b.id); });
    return answer;
}

}  // namespace mailgate
