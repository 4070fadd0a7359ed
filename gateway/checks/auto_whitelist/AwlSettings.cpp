// The [awl] settings (C6, docs/features.md; fields in Config.hpp, the check in
// AutoWhitelist): the auto-whitelist's factor, IPv6 network size and expiry.
// docs/lists-and-rules.md.
#include "gateway/config/SettingBuilders.hpp"

namespace mailgate {

void appendAwlSettings(std::vector<SettingSpec>& specs) {
    using C = Config;
    using A = AwlSettings;
    specs.push_back(booleanSetting("awl.enabled", &C::awl, &A::enabled, false,
                                   "Move each message's score towards its sender's mean "
                                   "(SpamAssassin's auto-whitelist), kept in Redis."));
    specs.push_back(numberSetting("awl.factor", &C::awl, &A::factor, 0.5, 0.0, 1.0,
                                  "How far: score + (mean - score) * factor."));
    specs.push_back(integerSetting("awl.ipv6_prefix", &C::awl, &A::ipv6_prefix, 48, 16, 128,
                                   "IPv6 clients in one network of this size are one identity "
                                   "(IPv4: the first two octets)."));
    specs.push_back(integerSetting("awl.expire_after_s", &C::awl, &A::expire_after_s, 7776000, 3600,
                                   std::int64_t{10} * 365 * 86400,
                                   "A network's history (all its senders) is forgotten after "
                                   "this long without mail from that network (90 days)."));
}

}  // namespace mailgate
