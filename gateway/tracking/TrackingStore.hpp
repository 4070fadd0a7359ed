// TrackingStore: where tracking records live in Redis and the one command that appends
// one, for the daemons' fire-and-forget writer (MessageTracker) and for callers that
// append synchronously (the quarantine's release and delete: appendTrackingRecord).
// Layout, every key under the key prefix with the {tracking} hash tag (one Cluster slot,
// so the script may touch them all):
//   {tracking}:records           a Stream; each entry holds one batch of records (fields
//                                "r", each a record's text), its ID Redis's time;
//   {tracking}:entries           a list "ENTRY-ID COUNT" per entry, oldest first, and
//   {tracking}:count             the number of records held: the size bound's bookkeeping;
//   {tracking}:index:KIND:VALUE  a sorted set of entry IDs scored by their time, per queue
//                                ID (q), mailgate ID (m) and Message-ID (i), so a search
//                                by message reads a few entries, not all.
// A Stream rather than hashes in a sorted set: one key holds every record in time order,
// XRANGE reads a time range directly, and removing the oldest is cheap. A batch in one
// entry: the greylisting benchmark showed one XADD per record costing Redis more than a
// tenth of its time (docs/PERFORMANCE.md). One Lua script call (atomic, one round trip)
// adds a batch with its index entries and removes the oldest entries while more than
// tracking.max_records records are held or they are older than
// tracking.retention_days. Index entries live for the retention; one whose entry went
// first (the size bound) is skipped by the reader. Every key expires after the retention
// when writes stop. Reading is TrackingQuery's.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "gateway/config/Config.hpp"
#include "gateway/store/RedisConnection.hpp"
#include "gateway/store/RedisReply.hpp"
#include "gateway/tracking/TrackingRecord.hpp"
#include "gateway/util/Result.hpp"

namespace mailgate {

struct TrackingKeys {
    std::string records;       // the Stream
    std::string entries;       // its entries and their record counts, oldest first
    std::string count;         // records held
    std::string index_prefix;  // + an index name from trackingIndexNames()
};

// A record ready for a batch: its index names (each followed by a line break) and text.
struct EncodedTrackingRecord {
    std::string index_names;
    std::string text;
};

// The keys under `keyPrefix` (redis.key_prefix).
TrackingKeys trackingKeys(std::string_view keyPrefix);
// The script's text, for tests and docs.
const std::string& trackingAppendScript();
// EVALSHA of the script, without records yet; addTrackingRecord() appends one (a call
// carries a batch: MessageTracker collects records for a few milliseconds). When Redis
// answers NOSCRIPT (after a restart), withScriptText() makes it the EVAL that loads the
// script again.
std::vector<std::string> trackingAppendCommand(std::string_view keyPrefix,
                                               const TrackingSettings& settings);
EncodedTrackingRecord encodeForTracking(const TrackingRecord& record);
void addTrackingRecord(std::vector<std::string>& command, EncodedTrackingRecord record);
inline constexpr std::size_t kIndexNamesArgument = 9;  // in trackingAppendCommand's command
void withScriptText(std::vector<std::string>& command);
bool isNoScriptReply(const RedisReply& reply);
// Appends one record now and waits for Redis (the quarantine's operations record who
// released or deleted what this way). Does nothing when tracking is disabled.
Result<void> appendTrackingRecord(RedisConnection& redis, const TrackingSettings& settings,
                                  const TrackingRecord& record);

}  // namespace mailgate
