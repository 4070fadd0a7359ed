// The [client_checks] settings (see SettingBuilders.hpp; the fields are in Config.hpp):
// the PTR, HELO and sender-domain checks of the SMTP stage, each "off", "score" or
// "reject", their shared DNS-failure policy, and one score per finding. Why each check
// behaves as it does is in docs/client-checks.md; the checks are in gateway/checks/.
#include "gateway/config/SettingBuilders.hpp"
#include "gateway/dns/DnsAnswer.hpp"
#include "gateway/net/IpAddress.hpp"

namespace mailgate {
namespace {

using C = Config;
using S = ClientCheckSettings;

const std::vector<std::pair<std::string, ClientCheckAction>> kActions = {
    {"off", ClientCheckAction::Off},
    {"score", ClientCheckAction::Score},
    {"reject", ClientCheckAction::Reject}};

std::optional<std::string> checkOwnAddress(const std::string& text) {
    auto parsed = IpNetwork::parse(text);
    return parsed ? std::nullopt : std::optional<std::string>(parsed.error());
}

std::optional<std::string> checkOwnName(const std::string& text) {
    if (!isQueryableDnsName(text)) {
        return "not a domain name: \"" + text.substr(0, 64) + "\"";
    }
    return std::nullopt;
}

SettingSpec score(std::string name, double S::*field, double fallback, std::string description) {
    return numberSetting("client_checks." + std::move(name), &C::client_checks, field, fallback,
                         -100.0, 100.0, std::move(description));
}

}  // namespace

void appendClientCheckSettings(std::vector<SettingSpec>& specs) {
    specs.push_back(choiceSetting(
        "client_checks.ptr_action", &C::client_checks, &S::ptr_action, kActions, "off",
        "The client's reverse DNS (PTR) check, for unauthenticated clients outside the trusted "
        "networks: off, score (add CLIENT_NO_PTR / CLIENT_PTR_NOT_CONFIRMED), or reject."));
    specs.push_back(booleanSetting(
        "client_checks.ptr_forward_confirmed", &C::client_checks, &S::ptr_forward_confirmed, false,
        "Also require one of the PTR names (at most 10 are tried) to resolve back to the client "
        "address (forward-confirmed reverse DNS)."));
    specs.push_back(choiceSetting(
        "client_checks.helo_action", &C::client_checks, &S::helo_action, kActions, "off",
        "The HELO/EHLO name check (RFC 5321 syntax, address literal matches the client, name "
        "resolves, not one of our own names or addresses): off, score, or reject."));
    specs.push_back(validated(
        stringListSetting("client_checks.own_helo_names", &C::client_checks, &S::own_helo_names, {},
                          "Our own host names: a client that greets with one of them is forging "
                          "(HELO_IS_OURS)."),
        checkOwnName));
    specs.push_back(validated(
        stringListSetting("client_checks.own_addresses", &C::client_checks, &S::own_addresses, {},
                          "Our own addresses or networks (CIDR): a HELO naming one of them, bare "
                          "or as [literal], is forged (HELO_IS_OURS)."),
        checkOwnAddress));
    specs.push_back(choiceSetting(
        "client_checks.sender_domain_action", &C::client_checks, &S::sender_domain_action, kActions,
        "off",
        "The envelope sender's domain check (MX, else A/AAAA; RFC 7505 null MX means it takes no "
        "mail): off, score, or reject. The null sender is never checked."));
    specs.push_back(choiceSetting(
        "client_checks.on_dns_failure", &C::client_checks, &S::on_dns_failure,
        {{"dunno", ClientCheckDnsFailure::Dunno}, {"tempfail", ClientCheckDnsFailure::Tempfail}},
        "dunno",
        "When DNS times out or fails for a check set to reject: dunno (let the mail on unjudged, "
        "with a zero-score *_DNS_FAILURE symbol) or tempfail (451 4.4.3, the sender retries). "
        "Never a permanent reject."));
    specs.push_back(score("score_no_ptr", &S::score_no_ptr, 1.5,
                          "Score of CLIENT_NO_PTR: the client address has no PTR record."));
    specs.push_back(score("score_ptr_not_confirmed", &S::score_ptr_not_confirmed, 1.0,
                          "Score of CLIENT_PTR_NOT_CONFIRMED: no PTR name resolves back to the "
                          "client address."));
    specs.push_back(score("score_helo_invalid", &S::score_helo_invalid, 2.0,
                          "Score of HELO_INVALID_SYNTAX, HELO_BARE_IP and HELO_LITERAL_MISMATCH."));
    specs.push_back(
        score("score_helo_not_resolving", &S::score_helo_not_resolving, 1.0,
              "Score of HELO_NOT_RESOLVING: the HELO name has no A, AAAA or MX record."));
    specs.push_back(
        score("score_helo_is_ours", &S::score_helo_is_ours, 4.0,
              "Score of HELO_IS_OURS: the client greets with our own name or address."));
    specs.push_back(score("score_sender_domain_unknown", &S::score_sender_domain_unknown, 3.0,
                          "Score of SENDER_DOMAIN_UNKNOWN: the sender domain is invalid or has no "
                          "MX, A or AAAA record."));
    specs.push_back(score("score_sender_domain_null_mx", &S::score_sender_domain_null_mx, 5.0,
                          "Score of SENDER_DOMAIN_NULL_MX: the sender domain publishes a null MX "
                          "(RFC 7505) and so cannot receive replies."));
}

}  // namespace mailgate
