// The [lists] settings (C4, C5, docs/features.md): the global white and black lists,
// whether a sender whitelist needs SPF, and whether personal lists are read.
// docs/lists-and-rules.md.
#include "gateway/checks/lists/ListEntry.hpp"
#include "gateway/config/SettingBuilders.hpp"

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
}

}  // namespace mailgate
