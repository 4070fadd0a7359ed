// The [access] settings (A9, docs/features.md; fields in Config.hpp, the check in
// gateway/checks/access/): banned clients, the allow-only list, and the reply text. Entry syntax is
// ClientPattern's; docs/access-and-relay.md explains it for operators.
#include "gateway/config/SettingBuilders.hpp"
#include "gateway/net/ClientPattern.hpp"

namespace mailgate {
namespace {

using C = Config;
using S = AccessSettings;

std::optional<std::string> checkPattern(const std::string& text) {
    auto parsed = ClientPattern::parse(text);
    return parsed ? std::nullopt
                  : std::optional<std::string>("\"" + text + "\": " + parsed.error());
}

}  // namespace

std::optional<std::string> checkClientPatternEntry(const std::string& text) {
    return checkPattern(text);
}

void appendAccessSettings(std::vector<SettingSpec>& specs) {
    specs.push_back(validated(
        stringListSetting(
            "access.banned_clients", &C::access, &S::banned_clients, {},
            "Clients rejected at every SMTP stage with 554 5.7.1: addresses, CIDR networks "
            "(\"198.51.100.0/24\"), IPv4 wildcards (\"203.0.113.*\"), host names with their "
            "subdomains (\"spam.example\"), subdomains only (\"*.example.net\") or /regexp/. "
            "Names match the MTA's verified client name only."),
        checkPattern));
    specs.push_back(
        validated(stringListSetting("access.allowed_clients", &C::access, &S::allowed_clients, {},
                                    "When not empty, only these clients may send mail at all (same "
                                    "syntax); every other client is rejected with 554 5.7.1."),
                  checkPattern));
    specs.push_back(stringSetting("access.reject_text", &C::access, &S::reject_text,
                                  "Access denied",
                                  "The text of the 554 5.7.1 reply to a banned or not allowed "
                                  "client."));
}

}  // namespace mailgate
