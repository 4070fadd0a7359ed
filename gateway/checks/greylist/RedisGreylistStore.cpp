// Greylisting state in Redis (see RedisGreylistStore.hpp).
#include "gateway/checks/greylist/RedisGreylistStore.hpp"

#include "gateway/util/Digests.hpp"

namespace mailgate {
namespace {

// KEYS[1] the triplet, KEYS[2] the origin. ARGV: now, delay, retry window, pass lifetime,
// deliveries for the auto-whitelist (0: off), seconds between two counted deliveries.
// Returns {status, seconds, deliveries}.
const std::string kScript = R"lua(
local now = tonumber(ARGV[1])
local delay = tonumber(ARGV[2])
local retry_window = tonumber(ARGV[3])
local lifetime = tonumber(ARGV[4])
local whitelist_after = tonumber(ARGV[5])
local count_interval = tonumber(ARGV[6])
local deliveries = 0
local counted = 0
if whitelist_after > 0 then
  local origin = redis.call('HMGET', KEYS[2], 'deliveries', 'counted')
  deliveries = tonumber(origin[1]) or 0
  counted = tonumber(origin[2]) or 0
  if deliveries >= whitelist_after then
    redis.call('HSET', KEYS[2], 'seen', now)
    redis.call('EXPIRE', KEYS[2], lifetime)
    return {'whitelisted', 0, deliveries}
  end
end

local function count_delivery()
  if whitelist_after <= 0 then
    return deliveries
  end
  if now - counted >= count_interval then
    deliveries = redis.call('HINCRBY', KEYS[2], 'deliveries', 1)
    redis.call('HSET', KEYS[2], 'counted', now, 'seen', now)
  else
    redis.call('HSET', KEYS[2], 'seen', now)
  end
  redis.call('EXPIRE', KEYS[2], lifetime)
  return deliveries
end

local triplet = redis.call('HMGET', KEYS[1], 'first', 'passed')
local first = tonumber(triplet[1])
if triplet[2] then
  redis.call('HSET', KEYS[1], 'seen', now)
  redis.call('EXPIRE', KEYS[1], lifetime)
  return {'known', tonumber(triplet[2]), count_delivery()}
end
if not first or now - first > retry_window or now < first then
  redis.call('HSET', KEYS[1], 'first', now, 'seen', now)
  redis.call('EXPIRE', KEYS[1], retry_window)
  return {'new', delay, deliveries}
end
local waited = now - first
if waited < delay then
  return {'early', delay - waited, deliveries}
end
redis.call('HSET', KEYS[1], 'passed', waited, 'seen', now)
redis.call('EXPIRE', KEYS[1], lifetime)
return {'passed', waited, count_delivery()}
)lua";

bool isNoScript(const RedisReply& reply) {
    return reply.isError() && reply.text.compare(0, 8, "NOSCRIPT") == 0;
}

}  // namespace

const std::string& RedisGreylistStore::script() {
    return kScript;
}

RedisGreylistStore::RedisGreylistStore(std::shared_ptr<RedisClient> redis)
    : redis_(std::move(redis)) {}

Result<GreylistObservation> parseGreylistScriptReply(const RedisReply& reply) {
    if (reply.isError()) {
        return makeError("greylist script failed: " + reply.text);
    }
    if (reply.type != RedisReply::Type::Array || reply.elements.size() != 3 ||
        reply.elements[1].type != RedisReply::Type::Integer ||
        reply.elements[2].type != RedisReply::Type::Integer) {
        return makeError("greylist script gave an answer of the wrong shape");
    }
    struct Name {
        const char* text;
        GreylistStatus status;
    };
    static const Name kNames[] = {{"new", GreylistStatus::New},
                                  {"early", GreylistStatus::Early},
                                  {"passed", GreylistStatus::Passed},
                                  {"known", GreylistStatus::Known},
                                  {"whitelisted", GreylistStatus::Whitelisted}};
    for (const auto& name : kNames) {
        if (reply.elements[0].text == name.text) {
            return GreylistObservation{name.status, reply.elements[1].integer,
                                       reply.elements[2].integer};
        }
    }
    return makeError("greylist script gave an unknown status \"" + reply.elements[0].text + "\"");
}

boost::asio::awaitable<Result<GreylistObservation>> RedisGreylistStore::observe(
    GreylistTriplet triplet, std::int64_t now, GreylistTiming timing) {
    static const std::string kSha = sha1Hex(kScript);
    std::vector<std::string> arguments = {"EVALSHA",
                                          kSha,
                                          "2",
                                          redis_->key(triplet.tripletKey()),
                                          redis_->key(triplet.originKey()),
                                          std::to_string(now),
                                          std::to_string(timing.delay_s),
                                          std::to_string(timing.retry_window_s),
                                          std::to_string(timing.pass_lifetime_s),
                                          std::to_string(timing.origin_whitelist_after),
                                          std::to_string(timing.origin_whitelist_interval_s)};
    auto reply = co_await redis_->command(arguments);
    if (reply && isNoScript(*reply)) {
        // After a Redis restart or SCRIPT FLUSH: EVAL sends the text and caches it again.
        arguments[0] = "EVAL";
        arguments[1] = kScript;
        reply = co_await redis_->command(std::move(arguments));
    }
    if (!reply) {
        co_return makeError(reply.error());
    }
    co_return parseGreylistScriptReply(*reply);
}

const char* greylistStatusName(GreylistStatus status) {
    switch (status) {
        case GreylistStatus::New:
            return "new";
        case GreylistStatus::Early:
            return "early";
        case GreylistStatus::Passed:
            return "passed";
        case GreylistStatus::Known:
            return "known";
        case GreylistStatus::Whitelisted:
            return "whitelisted";
    }
    return "new";
}

}  // namespace mailgate
