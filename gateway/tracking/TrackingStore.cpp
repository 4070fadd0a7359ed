// The tracking records' Redis layout and append script (see TrackingStore.hpp).
#include "gateway/tracking/TrackingStore.hpp"

#include "gateway/util/Digests.hpp"

namespace mailgate {
namespace {

// KEYS[1] the Stream, KEYS[2] the list of its entries ("ID COUNT", oldest first), KEYS[3]
// the number of records in it; ARGV[1] max records, ARGV[2] retention in ms, ARGV[3] the
// index key prefix, ARGV[4] the batch's index names one per line, ARGV[5..] the records'
// texts. One entry holds the whole batch (one XADD, whatever its size); the oldest
// entries go while there are more than max records or they are older than the
// retention, at most 100 per call, so a lowered bound is reached over a few calls.
const std::string kScript = R"lua(
local records, entries, total = KEYS[1], KEYS[2], KEYS[3]
local maxRecords = tonumber(ARGV[1])
local retention = tonumber(ARGV[2])
local prefix = ARGV[3]
local count = #ARGV - 4
if count < 1 then return 0 end
local fields = {}
for i = 5, #ARGV do
  fields[#fields + 1] = 'r'
  fields[#fields + 1] = ARGV[i]
end
local id = redis.call('XADD', records, '*', unpack(fields))
local now = tonumber(string.match(id, '^(%d+)'))
for name in string.gmatch(ARGV[4], '[^\n]+') do
  redis.call('ZADD', prefix .. name, now, id)
  redis.call('PEXPIRE', prefix .. name, retention)
end
redis.call('RPUSH', entries, id .. ' ' .. count)
local held = redis.call('INCRBY', total, count)
for _ = 1, 100 do
  local oldest = redis.call('LINDEX', entries, 0)
  if not oldest then break end
  local oldId, oldCount = string.match(oldest, '^(%S+) (%d+)$')
  if held <= maxRecords and tonumber(string.match(oldId, '^(%d+)')) >= now - retention then
    break
  end
  redis.call('LPOP', entries)
  redis.call('XDEL', records, oldId)
  held = redis.call('DECRBY', total, tonumber(oldCount))
end
redis.call('PEXPIRE', records, retention)
redis.call('PEXPIRE', entries, retention)
redis.call('PEXPIRE', total, retention)
return count
)lua";

const std::string& scriptSha() {
    static const std::string sha = sha1Hex(kScript);
    return sha;
}

}  // namespace

TrackingKeys trackingKeys(std::string_view keyPrefix) {
    std::string base = std::string(keyPrefix) + "{tracking}:";
    return TrackingKeys{base + "records", base + "entries", base + "count", base + "index:"};
}

const std::string& trackingAppendScript() {
    return kScript;
}

std::vector<std::string> trackingAppendCommand(std::string_view keyPrefix,
                                               const TrackingSettings& settings) {
    TrackingKeys keys = trackingKeys(keyPrefix);
    return {"EVALSHA",
            scriptSha(),
            "3",
            std::move(keys.records),
            std::move(keys.entries),
            std::move(keys.count),
            std::to_string(settings.max_records),
            std::to_string(settings.retention_days * 86400 * 1000),
            std::move(keys.index_prefix),
            ""};
}

EncodedTrackingRecord encodeForTracking(const TrackingRecord& record) {
    EncodedTrackingRecord encoded;
    for (const auto& name : trackingIndexNames(record)) {
        encoded.index_names += name + "\n";
    }
    encoded.text = encodeTrackingRecord(record);
    return encoded;
}

void addTrackingRecord(std::vector<std::string>& command, EncodedTrackingRecord record) {
    command[kIndexNamesArgument] += record.index_names;
    command.push_back(std::move(record.text));
}

void withScriptText(std::vector<std::string>& command) {
    command[0] = "EVAL";
    command[1] = kScript;
}

bool isNoScriptReply(const RedisReply& reply) {
    return reply.isError() && reply.text.compare(0, 8, "NOSCRIPT") == 0;
}

Result<void> appendTrackingRecord(RedisConnection& redis, const TrackingSettings& settings,
                                  const TrackingRecord& record) {
    if (!settings.enabled) {
        return {};
    }
    auto command = trackingAppendCommand(redis.key(""), settings);
    addTrackingRecord(command, encodeForTracking(record));
    auto reply = redis.command(command);
    if (reply && isNoScriptReply(*reply)) {
        withScriptText(command);
        reply = redis.command(command);
    }
    if (!reply) {
        return makeError(reply.error());
    }
    if (reply->isError()) {
        return makeError("Redis refused the tracking record: " + reply->text);
    }
    return {};
}

}  // namespace mailgate
