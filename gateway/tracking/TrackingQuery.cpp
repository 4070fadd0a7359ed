// Finding tracking records (see TrackingQuery.hpp).
#include "gateway/tracking/TrackingQuery.hpp"

#include <algorithm>
#include <set>

#include "gateway/tracking/TrackingStore.hpp"
#include "gateway/util/AsciiCase.hpp"

namespace mailgate {
namespace {

constexpr std::size_t kMaxIndexEntries = 5000;  // IDs read from one index
constexpr std::size_t kMaxScanned = 2000000;    // records read without an index
constexpr std::size_t kScanPage = 1000;
constexpr std::size_t kMaxRelatedScanned = 50000;  // records read before one message
constexpr std::int64_t kRelatedWindowMs = 30 * 60 * 1000;
// How much later than its records an entry may be written (batching, a slow Redis).
constexpr std::int64_t kEntryDelayMs = 60 * 1000;

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
    return query.until_ms ? std::to_string(*query.until_ms + kEntryDelayMs) : "+inf";
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

    // The records of one entry by ID; none when it is gone (removed by a bound).
    Result<std::vector<TrackingEntry>> entry(const std::string& id) {
        auto reply = redis_.command({"XRANGE", keys_.records, id, id});
        if (!reply) {
            return makeError(reply.error());
        }
        if (reply->isError()) {
            return makeError("Redis: " + reply->text);
        }
        std::vector<TrackingEntry> records;
        for (const auto& element : reply->elements) {
            auto decoded = decodeTrackingEntry(element, {}, answer_.skipped);
            std::move(decoded.begin(), decoded.end(), std::back_inserter(records));
        }
        return records;
    }

    // The records of at most kScanPage entries, newest first, from `upper` down to
    // `lower`; only the records whose text holds `needle` (see decodeTrackingEntry).
    Result<std::vector<TrackingEntry>> page(const std::string& upper, const std::string& lower,
                                            const std::string& needle, std::string& lastId) {
        auto reply = redis_.command(
            {"XREVRANGE", keys_.records, upper, lower, "COUNT", std::to_string(kScanPage)});
        if (!reply) {
            return makeError(reply.error());
        }
        if (reply->isError()) {
            return makeError("Redis: " + reply->text);
        }
        std::vector<TrackingEntry> records;
        for (const auto& element : reply->elements) {
            lastId = element.elements.empty() ? lastId : element.elements[0].text;
            auto decoded = decodeTrackingEntry(element, needle, answer_.skipped);
            std::move(decoded.begin(), decoded.end(), std::back_inserter(records));
        }
        return records;
    }

  private:
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
    return {};
}

// What an entry's text must hold to be worth decoding in a scan: the most selective
// address the query names, in lower case ("" reads every entry).
std::string scanNeedle(const TrackingQuery& query) {
    if (!query.recipient.empty()) {
        return lowerCase(query.recipient);
    }
    return query.sender == "<>" ? std::string() : lowerCase(query.sender);
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
        auto records = reader.entry(id);
        if (!records) {
            return makeError(records.error());
        }
        for (auto& record : *records) {
            if (trackingRecordMatches(record.record, query)) {
                answer.entries.push_back(std::move(record));
            }
        }
    }
    return {};
}

Result<void> collectFromStream(Reader& reader, const TrackingQuery& query, TrackingAnswer& answer) {
    // An entry is written a little after its records were made (the batch's wait).
    std::string upper = query.until_ms ? std::to_string(*query.until_ms + kEntryDelayMs) : "+";
    std::string lower = query.since_ms ? std::to_string(*query.since_ms) : "-";
    std::string needle = scanNeedle(query);
    for (std::size_t scanned = 0; scanned < kMaxScanned; scanned += kScanPage) {
        std::string lastId;
        auto entries = reader.page(upper, lower, needle, lastId);
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

// The policy records of each message found: a scan of the half hour before it, newest
// first, bounded, decoding only the entries that name the message's client address.
Result<void> addRelated(Reader& reader, TrackingAnswer& answer) {
    std::set<std::string> known;
    for (const auto& entry : answer.entries) {
        known.insert(entry.id);
    }
    std::vector<TrackingEntry> found;
    for (const auto& entry : answer.entries) {
        const TrackingRecord& message = entry.record;
        if (message.stage != TrackingStage::Content || message.client_address.empty()) {
            continue;
        }
        std::int64_t at = message.time_ms;
        std::string upper = std::to_string(at + kEntryDelayMs);
        std::string lower = std::to_string(at - kRelatedWindowMs);
        for (std::size_t scanned = 0; scanned < kMaxRelatedScanned; scanned += kScanPage) {
            std::string lastId;
            auto page = reader.page(upper, lower, lowerCase(message.client_address), lastId);
            if (!page) {
                return makeError(page.error());
            }
            for (auto& policy : *page) {
                if (policy.record.time_ms <= at && sameTransaction(policy.record, message) &&
                    known.insert(policy.id).second) {
                    policy.related = true;
                    found.push_back(std::move(policy));
                }
            }
            if (lastId.empty()) {
                break;
            }
            upper = "(" + lastId;
        }
    }
    for (auto& entry : found) {
        answer.entries.push_back(std::move(entry));
    }
    return {};
}

}  // namespace

bool mentions(std::string_view text, std::string_view needle) {
    auto found =
        std::search(text.begin(), text.end(), needle.begin(), needle.end(),
                    [](char a, char b) { return (a >= 'A' && a <= 'Z' ? a + 32 : a) == b; });
    return found != text.end();
}

bool streamIdBefore(const std::string& first, const std::string& second) {
    std::int64_t firstMs = idMilliseconds(first), secondMs = idMilliseconds(second);
    if (firstMs != secondMs) {
        return firstMs < secondMs;
    }
    auto after = [](const std::string& id, char separator) {
        auto at = id.find(separator);
        return at == std::string::npos ? std::int64_t{0} : idMilliseconds(id.substr(at + 1));
    };
    if (after(first, '-') != after(second, '-')) {
        return after(first, '-') < after(second, '-');
    }
    return after(first, '/') < after(second, '/');
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

std::vector<TrackingEntry> decodeTrackingEntry(const RedisReply& entry, std::string_view needle,
                                               std::vector<std::string>& skipped) {
    std::vector<TrackingEntry> records;
    if (entry.type != RedisReply::Type::Array || entry.elements.size() != 2 ||
        entry.elements[1].type != RedisReply::Type::Array) {
        skipped.push_back("?: not a stream entry");
        return records;
    }
    const std::string& id = entry.elements[0].text;
    const auto& values = entry.elements[1].elements;
    for (std::size_t i = 0; i + 1 < values.size(); i += 2) {
        const std::string& text = values[i + 1].text;
        std::string recordId = id + "/" + std::to_string(i / 2);
        if (values[i].text != "r" || !mentions(text, needle)) {
            continue;
        }
        auto record = decodeTrackingRecord(text);
        if (!record) {
            skipped.push_back(recordId + ": " + record.error());
            continue;
        }
        records.push_back(TrackingEntry{std::move(recordId), std::move(*record), false});
    }
    return records;
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
