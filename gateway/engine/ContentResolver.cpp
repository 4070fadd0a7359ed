// The content stage's DNS resolver, when its checks need one (see ContentResolver.hpp).
#include "gateway/engine/ContentResolver.hpp"

#include <algorithm>

#include "gateway/engine/CheckRegistry.hpp"

namespace mailgate {

ContentResolver makeContentResolver(boost::asio::io_context& io, const Config& config) {
    ContentResolver built;
    std::int64_t timeout = config.dns.timeout_ms;
    for (const auto& descriptor : checkRegistry()) {
        if (descriptor.stage != CheckStage::Content || !descriptor.content_dns_deadline_ms) {
            continue;
        }
        if (std::int64_t deadline = descriptor.content_dns_deadline_ms(config); deadline > 0) {
            built.needed = true;
            timeout = std::min(timeout, deadline);
        }
    }
    if (!built.needed) {
        return built;
    }
    auto resolver = DnsResolver::create(io, DnsResolverSettings{config.dns.servers, timeout});
    if (!resolver) {
        built.problem = resolver.error();
        return built;
    }
    built.resolver = *resolver;
    return built;
}

}  // namespace mailgate
