// TrackingQuery: finds tracking records for `mailgatectl track` (and the quarantine UI
// later) by queue ID, mailgate ID, Message-ID, sender, recipient and time range, and
// returns them in time order, at most `limit` of them (the newest). With a queue ID,
// mailgate ID or Message-ID it reads that index of TrackingStore's; otherwise it reads the
// Stream over the time range, newest first, bounded, decoding only the entries whose text
// names the address asked for; every criterion is then checked on the records themselves.
// A record that cannot be decoded is skipped and reported, never fatal. It writes nothing.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
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
    std::string id;  // "ENTRY/N": the Stream entry's ID and the record's place in it
    TrackingRecord record;
    bool related = false;  // found by TrackingQuery::related, not by the query itself
};

struct TrackingAnswer {
    std::vector<TrackingEntry> entries;  // in the order they were made
    std::vector<std::string> skipped;    // "ID/N: why" for each record that was unreadable
    bool truncated = false;              // more matched than the limit: the newest are kept
};

// Whether a record meets every criterion of the query (identifiers exactly, addresses
// in any case, the time range on the record's own time).
bool trackingRecordMatches(const TrackingRecord& record, const TrackingQuery& query);
// Whether the query names anything at all (an empty query reads the newest records).
bool trackingQueryHasIdentifier(const TrackingQuery& query);
// Record IDs in Stream order ("1700000000000-2/9" before "1700000000000-10/0").
bool streamIdBefore(const std::string& first, const std::string& second);
// Whether `text` holds `needle` (lower case) in any ASCII case; "" is in every text.
bool mentions(std::string_view text, std::string_view needle);
// The records of one XRANGE entry [ID, ["r", text, ...]] whose text holds `needle`; each
// that cannot be read is left out and reported in `skipped` as "ID/N: why".
std::vector<TrackingEntry> decodeTrackingEntry(const RedisReply& entry, std::string_view needle,
                                               std::vector<std::string>& skipped);

Result<TrackingAnswer> queryTrackingRecords(RedisConnection& redis, const TrackingQuery& query);

}  // namespace mailgate
