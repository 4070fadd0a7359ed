// Services: the process-lifetime dependencies a daemon (or mailgatectl) builds once at
// start and hands to every check factory: the logger, the DNS resolver, the asynchronous
// Redis client and the stores over it, and the counters; later an SMTP prober, an LDAP
// client, an antivirus engine. A config reload rebuilds the checks, never these. A member
// a process does not have is null (the milter has no DNS resolver, `mailgatectl scan
// --no-redis` no Redis, mailgatectl no tracker), and the checks that need it say so in
// their outcome instead of failing.
#pragma once

#include <memory>

#include "gateway/engine/Counters.hpp"

namespace mailgate {

class Logger;
class DnsLookup;
class RedisClient;
class GreylistStore;
class MessageTracker;

struct Services {
    Logger* logger = nullptr;
    DnsLookup* dns = nullptr;
    std::shared_ptr<RedisClient> redis;
    std::shared_ptr<GreylistStore> greylist_store;
    std::shared_ptr<Counters> counters = std::make_shared<Counters>();
    // The daemons' writer of tracking records (E2); null: nothing is recorded.
    std::shared_ptr<MessageTracker> tracker;
};

}  // namespace mailgate
