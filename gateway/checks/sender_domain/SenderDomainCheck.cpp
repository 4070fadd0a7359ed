// The sender domain check (see SenderDomainCheck.hpp and docs/client-checks.md).
#include "gateway/checks/sender_domain/SenderDomainCheck.hpp"

#include "gateway/checks/client_checks/ClientCheckFindings.hpp"
#include "gateway/net/HostNameSyntax.hpp"

namespace mailgate {

bool isNullMx(const DnsAnswer& mx) {
    if (!mx.found() || mx.records.size() != 1) {
        return false;
    }
    const auto& record = mx.records.front();
    return record.preference == 0 && (record.text.empty() || record.text == ".");
}

SenderDomainCheck::SenderDomainCheck(const ClientCheckSettings& settings)
    : action_(settings.sender_domain_action),
      on_dns_failure_(settings.on_dns_failure),
      score_unknown_(settings.score_sender_domain_unknown),
      score_null_mx_(settings.score_sender_domain_null_mx) {}

void SenderDomainCheck::recordUnknown(CheckOutcome& outcome, const std::string& domain,
                                      const std::string& why) const {
    recordFinding(outcome, action_, "SENDER_DOMAIN_UNKNOWN", score_unknown_,
                  printableText(domain) + " " + why,
                  rejectReply("5.1.8", "Sender address rejected: Domain not found"));
}

void SenderDomainCheck::recordDnsFailure(CheckOutcome& outcome, const std::string& what) const {
    mailgate::recordDnsFailure(outcome, action_, on_dns_failure_, "SENDER_DOMAIN_DNS_FAILURE", what,
                               "Sender address rejected: temporary DNS failure, try again later");
}

boost::asio::awaitable<CheckOutcome> SenderDomainCheck::check(const SmtpSession& session,
                                                              DnsLookup& dns) const {
    CheckOutcome outcome;
    if (action_ == ClientCheckAction::Off || session.sender.empty() || session.authenticated() ||
        session.trusted_network) {
        co_return outcome;
    }
    auto at = session.sender.rfind('@');
    if (at == std::string::npos || at + 1 == session.sender.size()) {
        recordUnknown(outcome, session.sender, "has no domain part");
        co_return outcome;
    }
    const std::string domain = session.sender.substr(at + 1);
    // A domain literal (user@[192.0.2.1]) names its host directly; nothing to resolve.
    if (looksLikeAddressLiteral(domain)) {
        if (!parseAddressLiteral(domain)) {
            recordUnknown(outcome, domain, "is not a valid address literal");
        }
        co_return outcome;
    }
    // Junk never goes to DNS: a name that cannot exist is a definite "unknown".
    if (classifyHostName(domain) != HostNameSyntax::Valid) {
        recordUnknown(outcome, domain, "is not a valid domain name");
        co_return outcome;
    }
    const std::string name = canonicalHostName(domain);
    DnsAnswer mx = co_await dns.resolve(name, DnsType::Mx);
    if (mx.temporaryError()) {
        recordDnsFailure(outcome, "MX " + name + ": " + mx.error);
        co_return outcome;
    }
    if (isNullMx(mx)) {
        recordFinding(outcome, action_, "SENDER_DOMAIN_NULL_MX", score_null_mx_,
                      name + " publishes a null MX",
                      rejectReply("5.7.27",
                                  "Sender address rejected: sender domain does not "
                                  "accept mail"));
        co_return outcome;
    }
    if (mx.found()) {
        co_return outcome;
    }
    // NXDOMAIN holds for every type (RFC 8020), so only NODATA falls back to A/AAAA.
    if (mx.status == DnsStatus::NoData) {
        for (DnsType type : {DnsType::A, DnsType::Aaaa}) {
            DnsAnswer answer = co_await dns.resolve(name, type);
            if (answer.found()) {
                co_return outcome;
            }
            if (answer.temporaryError()) {
                recordDnsFailure(outcome,
                                 std::string(dnsTypeName(type)) + " " + name + ": " + answer.error);
                co_return outcome;
            }
        }
    }
    recordUnknown(
        outcome, name,
        mx.status == DnsStatus::NoData ? "has no MX, A or AAAA record" : "does not exist");
    co_return outcome;
}

CheckOutcome SenderDomainCheck::unfinished() const {
    CheckOutcome outcome;
    recordDnsFailure(outcome, "sender domain check not finished by the reply deadline");
    return outcome;
}

namespace {

std::vector<std::string> senderDomainSymbols(const Config&) {
    return {"SENDER_DOMAIN_UNKNOWN", "SENDER_DOMAIN_NULL_MX", "SENDER_DOMAIN_DNS_FAILURE"};
}

std::unique_ptr<SmtpStageCheck> makeSenderDomainCheck(const Config& config, const Services&) {
    if (config.client_checks.sender_domain_action == ClientCheckAction::Off) {
        return nullptr;
    }
    return std::make_unique<SenderDomainCheck>(config.client_checks);
}

}  // namespace

CheckDescriptor senderDomainCheckDescriptor() {
    CheckDescriptor descriptor;
    descriptor.name = "sender_domain";
    descriptor.stage = CheckStage::Smtp;
    descriptor.phase = CheckPhase::Filter;
    descriptor.config_section = "client_checks";
    descriptor.symbols = senderDomainSymbols;
    descriptor.make_smtp_check = makeSenderDomainCheck;
    return descriptor;
}

}  // namespace mailgate
