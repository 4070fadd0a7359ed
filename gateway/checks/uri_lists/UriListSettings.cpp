// The [uri_lists] settings (C2, docs/uri-lists.md; fields in Config.hpp): the URI DNS lists
// (SURBL/URIBL-style zones) the domains of a message's links are looked up in, written
// like [dnsbl] zones, the bound on lookups per message, the one deadline for them, the
// domains never looked up, and whether address hosts are asked. The check is
// UriListCheck in this folder.
#include "gateway/config/SettingBuilders.hpp"
#include "gateway/dnsbl/DnsblZone.hpp"

namespace mailgate {
namespace {

using C = Config;
using U = UriListSettings;

std::optional<std::string> checkZoneSpec(const std::string& text) {
    auto parsed = DnsblZone::parse(text);
    return parsed ? std::nullopt : std::optional<std::string>(parsed.error());
}

}  // namespace

void appendUriListSettings(std::vector<SettingSpec>& specs) {
    specs.push_back(booleanSetting(
        "uri_lists.enabled", &C::uri_lists, &U::enabled, false,
        "Look up the registrable domains of a message's links in the URI DNS lists below. "
        "The milter (and mailgatectl scan) then build a DNS resolver from [dns]."));
    specs.push_back(validated(
        stringListSetting(
            "uri_lists.zones", &C::uri_lists, &U::zones, {},
            "URI DNS lists as \"[LABEL:]ZONE[=RETURN_CODE or &BITMASK][*WEIGHT]\", the syntax "
            "of dnsbl.zones: \"SURBL:multi.surbl.org&0.0.0.8*4\", "
            "\"URIBL_BLACK:multi.uribl.com&0.0.0.2*4\". Each domain is asked as DOMAIN.ZONE; a "
            "hit adds symbol URIBL_<LABEL> with the weight (default 1) as score. Without a "
            "return code any 127.0.0.0/8 answer is a hit: write the codes the list documents "
            "(lists answer 127.0.0.1 or 127.255.255.x for refused queries). See "
            "docs/uri-lists.md."),
        checkZoneSpec));
    specs.push_back(integerSetting(
        "uri_lists.max_lookups_per_message", &C::uri_lists, &U::max_lookups_per_message, 20, 1,
        1000,
        "Distinct domains (and addresses) of one message looked up, in the order the message "
        "shows them, each in every zone; the rest are not asked (counted in the symbol's "
        "detail)."));
    specs.push_back(integerSetting(
        "uri_lists.timeout_ms", &C::uri_lists, &U::timeout_ms, 1000, 50, 30000,
        "One deadline for all of a message's lookups together; a lookup without an answer by "
        "then, or with SERVFAIL, is never a listing (URIBL_UNAVAILABLE, score 0). The milter's "
        "resolver also ends every lookup by then. Keep it well below milter.mta_timeout_s."));
    specs.push_back(stringListSetting(
        "uri_lists.skip_domains", &C::uri_lists, &U::skip_domains,
        {"google.com",  "youtube.com",  "googleapis.com", "gstatic.com",    "microsoft.com",
         "outlook.com", "office.com",   "live.com",       "apple.com",      "icloud.com",
         "amazon.com",  "facebook.com", "instagram.com",  "linkedin.com",   "twitter.com",
         "x.com",       "w3.org",       "gmail.com",      "yahoo.com",      "wikipedia.org",
         "mozilla.org", "github.com",   "paypal.com",     "cloudflare.com", "akamaihd.net"},
        "Registrable domains never looked up: your own domains, and big providers that are in "
        "legitimate mail every day (lookups of them only cost time and list quota). The "
        "relay.domains are never looked up either."));
    specs.push_back(booleanSetting(
        "uri_lists.ip_hosts", &C::uri_lists, &U::ip_hosts, true,
        "Also ask links to an IPv4 address, reversed as the lists expect "
        "(http://192.0.2.1/ -> 1.2.0.192.ZONE), whichever way the address was written."));
}

}  // namespace mailgate
