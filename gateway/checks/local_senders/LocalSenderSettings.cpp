// The [local_senders] settings (B1, docs/features.md; fields in Config.hpp, the check in
// gateway/checks/local_senders/LocalSenderCheck): a sender in one of relay.domains must be a known
// local address, listed here or, one per line, in addresses_file.
#include "gateway/config/SettingBuilders.hpp"

namespace mailgate {
namespace {

using C = Config;
using S = LocalSenderSettings;

}  // namespace

std::optional<std::string> checkMailAddressEntry(const std::string& text) {
    auto at = text.rfind('@');
    if (at == std::string::npos || at == 0 || at + 1 == text.size() ||
        text.find_first_of(" \t<>,;") != std::string::npos) {
        return "not an address local@domain: \"" + text.substr(0, 64) + "\"";
    }
    return std::nullopt;
}

void appendLocalSenderSettings(std::vector<SettingSpec>& specs) {
    specs.push_back(booleanSetting(
        "local_senders.enabled", &C::local_senders, &S::enabled, false,
        "Reject (553 5.7.1) a sender address in one of relay.domains that is not a known "
        "local address."));
    specs.push_back(validated(
        stringListSetting("local_senders.addresses", &C::local_senders, &S::addresses, {},
                          "The known local addresses (case does not matter; \"+extension\" "
                          "is allowed on each)."),
        checkMailAddressEntry));
    specs.push_back(stringSetting(
        "local_senders.addresses_file", &C::local_senders, &S::addresses_file, "",
        "A file of more known local addresses, one per line (# starts a comment), relative "
        "to this config file's directory; read at start and on every reload."));
    specs.push_back(booleanSetting("local_senders.skip_trusted_networks", &C::local_senders,
                                   &S::skip_trusted_networks, true,
                                   "Do not check clients in relay.trusted_networks."));
    specs.push_back(booleanSetting("local_senders.skip_authenticated", &C::local_senders,
                                   &S::skip_authenticated, false,
                                   "Do not check SASL-authenticated clients."));
}

}  // namespace mailgate
