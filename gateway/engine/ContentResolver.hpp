// makeContentResolver: the DNS resolver of a process that runs the content stage (the
// milter, `mailgatectl scan`), built from [dns] only when a content check of the config
// asks DNS (the URI lists), so the do-nothing path builds nothing. Each of its lookups
// ends by the shortest of dns.timeout_ms and those checks' deadlines: a libmilter thread
// waits for every lookup it started before it moves on, so a lookup must not outlive
// the message's deadline. Built once per process (a reload that turns such a check on
// needs a restart of the milter; until then the check reports that there is no resolver).
#pragma once

#include <memory>
#include <string>

#include "gateway/config/Config.hpp"
#include "gateway/dns/DnsResolver.hpp"
#include "gateway/util/Asio.hpp"

namespace mailgate {

struct ContentResolver {
    std::shared_ptr<DnsResolver> resolver;  // null when not needed or not buildable
    bool needed = false;                    // a content check of the config asks DNS
    std::string problem;                    // why it could not be built
};

ContentResolver makeContentResolver(boost::asio::io_context& io, const Config& config);

}  // namespace mailgate
