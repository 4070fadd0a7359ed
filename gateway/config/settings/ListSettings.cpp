// The [lists] (C4, C5, docs/features.md) and [awl] (C6) settings: the global white and
// black lists, whether a sender whitelist needs SPF, whether personal lists are read, and
// the auto-whitelist's factor, IPv6 network size and expiry. docs/lists-and-rules.md.
#include "gateway/config/SettingBuilders.hpp"
#include "gateway/lists/ListEntry.hpp"

namespace mailgate {
namespace {

using C = Config;

std::optional<std::string> checkEntry(const std::string& text) {
    auto parsed = ListEntry::parseDirected(text);
    return parsed ? std::nullopt : std::optional<std::string>(parsed.error());
}

}  // namespace

void appendListSettings(std::vector<SettingSpec>& specs) {
    using L = ListSettings;
    specs.push_back(validated(
        stringListSetting(
            "lists.whitelist", &C::lists, &L::whitelist, {},
            "Mail that is never spam: \"from:alice@example.com\", \"from:example.com\" (that "
            "domain), \"from:*.example.com\" (and its subdomains), \"to:ceo@ourdomain.example\" "
            "(that recipient only), \"client:192.0.2.0/24\". A matching from: or client: entry "
            "also skips the content checks."),
        checkEntry));
    specs.push_back(validated(
        stringListSetting("lists.blacklist", &C::lists, &L::blacklist, {},
                          "Mail that is spam whatever its score (same syntax), handled by "
                          "scoring.spam_action."),
        checkEntry));
    specs.push_back(booleanSetting(
        "lists.whitelist_from_needs_spf", &C::lists, &L::whitelist_from_needs_spf, true,
        "A \"from:\" whitelist entry counts only when SPF passed for the sender (the policy "
        "stage's SPF_PASS, which needs spf.enabled and policy_header.secret), so forged "
        "senders cannot ride it."));
    specs.push_back(booleanSetting("lists.personal", &C::lists, &L::personal, true,
                                   "Also judge each recipient's own white and black list of "
                                   "senders, kept in Redis (mailgatectl lists)."));
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
