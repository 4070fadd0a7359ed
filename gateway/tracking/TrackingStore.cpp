// The tracking records' Redis layout and append script (see TrackingStore.hpp).
#include "gateway/tracking/TrackingStore.hpp"

#include "gateway/util/Digests.hpp"

namespace mailgate {
namespace {

// KEYS[1] the Stream; ARGV[1] max records, ARGV[2] retention in ms, ARGV[3] the index key
// prefix, then per record: its index names one per line, the count N of what follows,
// and N arguments: its fields and values. The index names are stored with the entry
// ("ix") so removing an entry removes exactly its index entries. At most 100 old entries
// (plus one per new record) go per call, so a lowered bound is reached over the next
// writes, never in one long script.
const std::string kScript = R"lua(
local records = KEYS[1]
local maxRecords = tonumber(ARGV[1])
local retention = tonumber(ARGV[2])
local prefix = ARGV[3]
local function names(text)
  local list = {}
  for name in string.gmatch(text, '[^\n]+') do list[#list + 1] = name end
  return list
end
local now, added, i = 0, 0, 4
while i < #ARGV do
  local count = tonumber(ARGV[i + 1])
  local id = redis.call('XADD', records, '*', 'ix', ARGV[i], unpack(ARGV, i + 2, i + 1 + count))
  now = tonumber(string.match(id, '^(%d+)'))
  for _, name in ipairs(names(ARGV[i])) do
    redis.call('ZADD', prefix .. name, now, id)
    redis.call('PEXPIRE', prefix .. name, retention)
  end
  added = added + 1
  i = i + 2 + count
end
local function forget(entries)
  for _, entry in ipairs(entries) do
    local fields = entry[2]
    for f = 1, #fields, 2 do
      if fields[f] == 'ix' then
        for _, name in ipairs(names(fields[f + 1])) do
          redis.call('ZREM', prefix .. name, entry[1])
        end
      end
    end
    redis.call('XDEL', records, entry[1])
  end
end
local excess = redis.call('XLEN', records) - maxRecords
if excess > 0 then
  forget(redis.call('XRANGE', records, '-', '+', 'COUNT', math.min(excess, 100 + added)))
end
if now - retention > 0 then
  forget(redis.call('XRANGE', records, '-', tostring(now - retention - 1), 'COUNT', 100 + added))
end
redis.call('PEXPIRE', records, retention)
return added
)lua";

const std::string& scriptSha() {
    static const std::string sha = sha1Hex(kScript);
    return sha;
}

}  // namespace

TrackingKeys trackingKeys(std::string_view keyPrefix) {
    std::string base = std::string(keyPrefix) + "{tracking}:";
    return TrackingKeys{base + "records", base + "index:"};
}

const std::string& trackingAppendScript() {
    return kScript;
}

std::vector<std::string> trackingAppendCommand(std::string_view keyPrefix,
                                               const TrackingSettings& settings) {
    TrackingKeys keys = trackingKeys(keyPrefix);
    return {"EVALSHA",
            scriptSha(),
            "1",
            std::move(keys.records),
            std::to_string(settings.max_records),
            std::to_string(settings.retention_days * 86400 * 1000),
            std::move(keys.index_prefix)};
}

void addTrackingRecord(std::vector<std::string>& command, const TrackingRecord& record) {
    std::string names;
    for (const auto& name : trackingIndexNames(record)) {
        names += (names.empty() ? "" : "\n") + name;
    }
    TrackingFields fields = encodeTrackingRecord(record);
    command.push_back(std::move(names));
    command.push_back(std::to_string(2 * fields.size()));
    for (auto& [name, value] : fields) {
        command.push_back(std::move(name));
        command.push_back(std::move(value));
    }
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
    addTrackingRecord(command, record);
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
