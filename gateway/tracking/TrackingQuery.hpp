// TrackingQuery: finds tracking records for `mailgatectl track` (and the quarantine UI
// later) by queue ID, mailgate ID, Message-ID, sender, recipient and time range, and
// returns them in time order, at most `limit` of them (the newest). It reads the most
// selective index TrackingStore keeps and checks every other criterion on the records
// themselves; without any identifier it reads the time range of the Stream, bounded. A
// record that cannot be decoded is skipped and reported, never fatal. It writes nothing.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gateway/store/RedisConnection.hpp"
#include "gateway/tracking/TrackingRecord.hpp"
#include "gateway/util/Result.hpp"

namespace mailgate {

struct TrackingQuery {
    std::string queue_id;
    std::string mailgate_id;
    std::string message_id;
    std::string sender;  // "<>" asks for the null sender
    std::string recipient;
    std::optional<std::int64_t> since_ms;  // Unix milliseconds, inclusive
    std::optional<std::int64_t> until_ms;
    std::size_t limit = 200;
    // With a queue, mailgate or Message-ID: also the policy stage's decisions about the
    // same client, sender and recipients in the half hour before each message (the
    // policy stage often has no queue ID: Postfix assigns it after the first RCPT).
    bool related = true;
};

struct TrackingEntry {
    std::string id;  // the Stream entry's ID, "MILLISECONDS-SEQUENCE"
    TrackingRecord record;
    bool related = false;  // found by TrackingQuery::related, not by the query itself
};

struct TrackingAnswer {
    std::vector<TrackingEntry> entries;  // oldest first
    std::vector<std::string> skipped;    // "ID: why" for each record that was unreadable
    bool truncated = false;              // more matched than the limit: the newest are kept
};

// Whether a record meets every criterion of the query (identifiers exactly, addresses
// in any case, the time range on the record's own time).
bool trackingRecordMatches(const TrackingRecord& record, const TrackingQuery& query);
// Whether the query names anything at all (an empty query reads the newest records).
bool trackingQueryHasIdentifier(const TrackingQuery& query);
// Stream entry IDs in time order ("1700000000000-2" before "1700000000000-10").
bool streamIdBefore(const std::string& first, const std::string& second);
// One XRANGE entry [ID, [field, value, ...]] as a record.
Result<TrackingEntry> decodeTrackingEntry(const RedisReply& entry);

Result<TrackingAnswer> queryTrackingRecords(RedisConnection& redis, const TrackingQuery& query);

}  // namespace mailgate
