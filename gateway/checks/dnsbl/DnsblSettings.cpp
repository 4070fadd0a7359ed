// The [dnsbl] settings (see SettingBuilders.hpp; the fields are in Config.hpp): the DNS
// blacklists and whitelists, their weights and return codes, the local whitelist, the
// reject threshold and the one deadline for all of a client's lookups. The syntax and
// semantics for operators are in docs/dnsbl.md; the check is in gateway/dnsbl/.
#include "gateway/config/SettingBuilders.hpp"
#include "gateway/dnsbl/DnsblZone.hpp"
#include "gateway/net/IpAddress.hpp"

namespace mailgate {
namespace {

using C = Config;
using S = DnsblSettings;

std::optional<std::string> checkZoneSpec(const std::string& text) {
    auto parsed = DnsblZone::parse(text);
    return parsed ? std::nullopt : std::optional<std::string>(parsed.error());
}

std::optional<std::string> checkNetwork(const std::string& text) {
    auto parsed = IpNetwork::parse(text);
    return parsed ? std::nullopt : std::optional<std::string>(parsed.error());
}

}  // namespace

void appendDnsblSettings(std::vector<SettingSpec>& specs) {
    specs.push_back(booleanSetting("dnsbl.enabled", &C::dnsbl, &S::enabled, false,
                                   "Ask the DNS lists below about each SMTP client."));
    specs.push_back(validated(
        stringListSetting(
            "dnsbl.zones", &C::dnsbl, &S::zones, {},
            "DNS blacklists as \"[LABEL:]ZONE[=RETURN_CODE or &BITMASK][*WEIGHT]\", Postfix "
            "postscreen_dnsbl_sites syntax: \"SPAMHAUS_ZEN:zen.spamhaus.org=127.0.0.[2..11]*3\", "
            "\"bits.example.org&0.0.0.4*1.5\". A hit adds symbol DNSBL_<LABEL> with the weight "
            "(default 1) as score. Without a return code any 127.0.0.0/8 answer is a hit. See "
            "docs/dnsbl.md."),
        checkZoneSpec));
    specs.push_back(
        validated(stringListSetting("dnsbl.whitelist_zones", &C::dnsbl, &S::whitelist_zones, {},
                                    "DNS whitelists, same syntax (weights usually negative: "
                                    "\"list.dnswl.org=127.0.[0..255].[1..3]*-5\"). A hit adds "
                                    "DNSWL_<LABEL> and overrides every blacklist hit: no reject."),
                  checkZoneSpec));
    specs.push_back(validated(
        stringListSetting("dnsbl.whitelist_networks", &C::dnsbl, &S::whitelist_networks, {},
                          "Client networks (CIDR) never looked up in any list, checked "
                          "before any query: \"192.0.2.0/24\", \"2001:db8::/32\"."),
        checkNetwork));
    specs.push_back(numberSetting(
        "dnsbl.reject_threshold", &C::dnsbl, &S::reject_threshold, 0.0, 0.0, 1000.0,
        "Reject with 554 5.7.1 naming the lists when the summed weight of the hits reaches "
        "this; 0 never rejects (the hits only add to the message's score). A DNS failure "
        "never rejects."));
    specs.push_back(integerSetting(
        "dnsbl.timeout_ms", &C::dnsbl, &S::timeout_ms, 1500, 50, 60000,
        "One deadline for all zones' lookups of a client together; a zone without an "
        "answer by then is a temporary failure (DNSBL_TEMPFAIL, score 0), never \"not "
        "listed\". Keep it below dns.timeout_ms."));
    specs.push_back(booleanSetting(
        "dnsbl.fetch_reasons", &C::dnsbl, &S::fetch_reasons, false,
        "Also fetch the TXT record of a listed entry, for the symbol's detail (same deadline)."));
}

}  // namespace mailgate
