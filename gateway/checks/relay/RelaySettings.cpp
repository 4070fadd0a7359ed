// The [relay] settings (A4, docs/features.md; fields in Config.hpp, the check in
// gateway/checks/relay/): the domains mail is accepted for, whether their subdomains count, the
// trusted networks that may relay anywhere, and whether mailgate itself refuses relaying.
#include "gateway/config/SettingBuilders.hpp"
#include "gateway/dns/DnsAnswer.hpp"
#include "gateway/net/IpAddress.hpp"

namespace mailgate {
namespace {

using C = Config;
using S = RelaySettings;

std::optional<std::string> checkNetwork(const std::string& text) {
    auto parsed = IpNetwork::parse(text);
    return parsed ? std::nullopt : std::optional<std::string>(parsed.error());
}

std::optional<std::string> checkDomain(const std::string& text) {
    if (!isQueryableDnsName(text)) {
        return "not a domain name: \"" + text.substr(0, 64) + "\"";
    }
    return std::nullopt;
}

}  // namespace

void appendRelaySettings(std::vector<SettingSpec>& specs) {
    specs.push_back(validated(
        stringListSetting("relay.domains", &C::relay, &S::domains, {},
                          "The domains this gateway accepts mail for and relays to the internal "
                          "mail server (Postfix's relay_domains)."),
        checkDomain));
    specs.push_back(booleanSetting("relay.subdomains", &C::relay, &S::subdomains, false,
                                   "Also accept mail for every subdomain of relay.domains."));
    specs.push_back(validated(
        stringListSetting("relay.trusted_networks", &C::relay, &S::trusted_networks,
                          {"127.0.0.0/8", "::1/128"},
                          "Client networks (CIDR) of our own servers: they may relay to any "
                          "domain, skip the checks meant for Internet clients (SPF, PTR, "
                          "HELO, sender domain, DNSBL, greylisting) and get no Subject tag. "
                          "Keep Postfix's mynetworks the same."),
        checkNetwork));
    specs.push_back(booleanSetting(
        "relay.check", &C::relay, &S::check, true,
        "When relay.domains is set, reject at RCPT, with 554 5.7.1 Relay access denied, a "
        "recipient outside relay.domains from a client that is neither trusted nor "
        "authenticated, and log it. Needs mailgate first in Postfix's "
        "smtpd_relay_restrictions (config/postfix/main.cf); Postfix's own "
        "reject_unauth_destination after it stays as a second lock."));
}

}  // namespace mailgate
