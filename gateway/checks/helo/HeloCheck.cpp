// The HELO/EHLO check (see HeloCheck.hpp; the reply codes follow Postfix's
// reject_invalid_helo_hostname, reject_non_fqdn_helo_hostname and
// reject_unknown_helo_hostname, explained in docs/client-checks.md).
#include "gateway/checks/helo/HeloCheck.hpp"

#include <algorithm>

#include "gateway/checks/client_checks/ClientCheckFindings.hpp"
#include "gateway/net/HostNameSyntax.hpp"

namespace mailgate {
namespace {

SmtpReply invalidNameReply() {
    return rejectReply("5.5.2", "Helo command rejected: Invalid name", 501);
}

SmtpReply forgedReply() {
    return rejectReply("5.7.1", "Helo command rejected: you are not me");
}

}  // namespace

HeloCheck::HeloCheck(const ClientCheckSettings& settings)
    : action_(settings.helo_action),
      on_dns_failure_(settings.on_dns_failure),
      score_invalid_(settings.score_helo_invalid),
      score_not_resolving_(settings.score_helo_not_resolving),
      score_is_ours_(settings.score_helo_is_ours) {
    for (const auto& name : settings.own_helo_names) {
        own_names_.push_back(canonicalHostName(name));
    }
    // The loader validated every entry; one that still fails to parse is skipped.
    for (const auto& text : settings.own_addresses) {
        if (auto network = IpNetwork::parse(text)) {
            own_networks_.push_back(*network);
        }
    }
}

bool HeloCheck::isOwnAddress(const IpAddress& address) const {
    return std::any_of(own_networks_.begin(), own_networks_.end(),
                       [&address](const IpNetwork& network) { return network.contains(address); });
}

boost::asio::awaitable<CheckOutcome> HeloCheck::check(const SmtpSession& session,
                                                      DnsLookup& dns) const {
    CheckOutcome outcome;
    const std::string& helo = session.helo;
    if (action_ == ClientCheckAction::Off || session.authenticated() || session.trusted_network ||
        helo.empty()) {
        co_return outcome;
    }
    const std::string shown = printableText(helo);
    if (looksLikeAddressLiteral(helo)) {
        if (auto claimed = parseAddressLiteral(helo)) {
            judgeAddress(outcome, *claimed, session.client_address, true, shown);
        } else {
            recordFinding(outcome, action_, "HELO_INVALID_SYNTAX", score_invalid_,
                          shown + " is not a valid address literal", invalidNameReply());
        }
        co_return outcome;
    }
    if (isBareIpAddress(helo)) {
        judgeAddress(outcome, *IpAddress::parse(helo), session.client_address, false, shown);
        co_return outcome;
    }
    switch (classifyHostName(helo)) {
        case HostNameSyntax::Invalid:
            recordFinding(outcome, action_, "HELO_INVALID_SYNTAX", score_invalid_,
                          shown + " is not a host name", invalidNameReply());
            co_return outcome;
        case HostNameSyntax::NotFullyQualified:
            recordFinding(outcome, action_, "HELO_INVALID_SYNTAX", score_invalid_,
                          shown + " is not fully qualified",
                          rejectReply("5.5.2",
                                      "Helo command rejected: need fully-qualified "
                                      "hostname",
                                      504));
            co_return outcome;
        case HostNameSyntax::Valid:
            break;
    }
    // Our own host may greet with our name; anyone else doing so forges it.
    const std::string canonical = canonicalHostName(helo);
    if (!isOwnAddress(session.client_address) &&
        std::find(own_names_.begin(), own_names_.end(), canonical) != own_names_.end()) {
        recordFinding(outcome, action_, "HELO_IS_OURS", score_is_ours_, shown + " is our own name",
                      forgedReply());
        co_return outcome;
    }
    co_await judgeResolving(outcome, canonical, dns);
    co_return outcome;
}

void HeloCheck::judgeAddress(CheckOutcome& outcome, const IpAddress& claimed,
                             const IpAddress& client, bool literal,
                             const std::string& shown) const {
    if (claimed != client && isOwnAddress(claimed) && !isOwnAddress(client)) {
        recordFinding(outcome, action_, "HELO_IS_OURS", score_is_ours_,
                      shown + " is our own address", forgedReply());
    } else if (!literal) {
        // RFC 5321 4.1.3: an address is only ever sent as a literal in brackets.
        recordFinding(outcome, action_, "HELO_BARE_IP", score_invalid_,
                      shown + " is an address without brackets", invalidNameReply());
    } else if (claimed != client) {
        recordFinding(outcome, action_, "HELO_LITERAL_MISMATCH", score_invalid_,
                      shown + " is not the client address " + client.toString(),
                      rejectReply("5.7.1",
                                  "Helo command rejected: address literal does not "
                                  "match your address"));
    }
}

boost::asio::awaitable<void> HeloCheck::judgeResolving(CheckOutcome& outcome,
                                                       const std::string& helo,
                                                       DnsLookup& dns) const {
    // A first: nearly every real HELO name has one, so the common case costs one lookup.
    // A failing lookup ends the check at once, which bounds its time during an outage.
    for (DnsType type : {DnsType::A, DnsType::Aaaa, DnsType::Mx}) {
        DnsAnswer answer = co_await dns.resolve(helo, type);
        if (answer.found()) {
            co_return;
        }
        if (answer.temporaryError()) {
            recordDnsFailure(
                outcome, action_, on_dns_failure_, "HELO_DNS_FAILURE",
                std::string(dnsTypeName(type)) + " " + printableText(helo) + ": " + answer.error,
                "Helo command rejected: temporary DNS failure, try again later");
            co_return;
        }
    }
    recordFinding(outcome, action_, "HELO_NOT_RESOLVING", score_not_resolving_,
                  printableText(helo) + " has no A, AAAA or MX record",
                  rejectReply("5.7.1", "Helo command rejected: Host not found"));
}

CheckOutcome HeloCheck::unfinished() const {
    CheckOutcome outcome;
    recordDnsFailure(outcome, action_, on_dns_failure_, "HELO_DNS_FAILURE",
                     "HELO check not finished by the reply deadline",
                     "Helo command rejected: temporary DNS failure, try again later");
    return outcome;
}

namespace {

std::vector<std::string> heloSymbols(const Config&) {
    return {"HELO_INVALID_SYNTAX",   "HELO_IS_OURS",       "HELO_BARE_IP",
            "HELO_LITERAL_MISMATCH", "HELO_NOT_RESOLVING", "HELO_DNS_FAILURE"};
}

std::unique_ptr<SmtpStageCheck> makeHeloCheck(const Config& config, const Services&) {
    if (config.client_checks.helo_action == ClientCheckAction::Off) {
        return nullptr;
    }
    return std::make_unique<HeloCheck>(config.client_checks);
}

}  // namespace

CheckDescriptor heloCheckDescriptor() {
    CheckDescriptor descriptor;
    descriptor.name = "helo";
    descriptor.stage = CheckStage::Smtp;
    descriptor.phase = CheckPhase::Filter;
    descriptor.config_section = "client_checks";
    descriptor.symbols = heloSymbols;
    descriptor.make_smtp_check = makeHeloCheck;
    return descriptor;
}

}  // namespace mailgate
