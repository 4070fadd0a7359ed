// TrackingStore: where tracking records live in Redis and the one command that appends
// one, for the daemons' fire-and-forget writer (MessageTracker) and for callers that
// append synchronously (the quarantine's release and delete: appendTrackingRecord).
// Layout, every key under the key prefix with the {tracking} hash tag (one Cluster slot,
// so the script may touch them all):
//   {tracking}:records         a Stream, one entry per record, its ID Redis's time;
//   {tracking}:index:KIND:VALUE a sorted set of entry IDs scored by their time, per queue
//                               ID (q), mailgate ID (m), Message-ID (i), sender (s) and
//                               recipient (r), so a query reads a few entries, not all.
// A Stream rather than hashes in a sorted set: one key holds every record in time order,
// XRANGE reads a time range directly, and removing the oldest is cheap. One Lua script
// call (atomic, one round trip, one record or a batch) adds the entries and their index
// entries and removes what falls outside the bounds (more than tracking.max_records, older than
// tracking.retention_days) together with their index entries, so the indexes never
// outgrow the records; every key also expires after the retention when writes stop.
// Reading is TrackingQuery's.
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
    std::string index_prefix;  // + an index name from trackingIndexNames()
};

// The keys under `keyPrefix` (redis.key_prefix).
TrackingKeys trackingKeys(std::string_view keyPrefix);
// The script's text, for tests and docs.
const std::string& trackingAppendScript();
// EVALSHA of the script, without records yet; addTrackingRecord() appends one (a call
// may carry many: MessageTracker batches what arrives while Redis is busy). When Redis
// answers NOSCRIPT (after a restart), withScriptText() makes it the EVAL that loads the
// script again.
std::vector<std::string> trackingAppendCommand(std::string_view keyPrefix,
                                               const TrackingSettings& settings);
void addTrackingRecord(std::vector<std::string>& command, const TrackingRecord& record);
void withScriptText(std::vector<std::string>& command);
bool isNoScriptReply(const RedisReply& reply);
// Appends one record now and waits for Redis (the quarantine's operations record who
// released or deleted what this way). Does nothing when tracking is disabled.
Result<void> appendTrackingRecord(RedisConnection& redis, const TrackingSettings& settings,
                                  const TrackingRecord& record);

}  // namespace mailgate
