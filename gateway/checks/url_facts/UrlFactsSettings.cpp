// The [url_facts] settings (C2, docs/uri-lists.md; fields in Config.hpp): whether the
// shape of a message's URLs is scored (UrlFactsCheck). It asks no DNS.
#include "gateway/config/SettingBuilders.hpp"

namespace mailgate {

void appendUrlFactsSettings(std::vector<SettingSpec>& specs) {
    specs.push_back(booleanSetting(
        "url_facts.enabled", &Config::url_facts, &UrlFactsSettings::enabled, true,
        "Score how a message's links are written: to a bare IP address (URI_IP_HOST), to an "
        "address written as a number (URI_NUMERIC_HOST), behind a host-like user name "
        "(URI_USERINFO_HOST), with percent-encoded host bytes (URI_HOST_ENCODED), with "
        "look-alike letters of mixed scripts (URI_MIXED_SCRIPTS). No DNS lookups."));
}

}  // namespace mailgate
