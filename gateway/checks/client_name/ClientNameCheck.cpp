// The client PTR check (see ClientNameCheck.hpp and docs/client-checks.md).
#include "gateway/checks/client_name/ClientNameCheck.hpp"

#include "gateway/checks/client_checks/ClientCheckFindings.hpp"
#include "gateway/net/HostNameSyntax.hpp"
#include "gateway/util/AwaitAll.hpp"

namespace mailgate {

struct ClientNameCheck::Confirmation {
    bool confirmed = false;
    std::string temporary_error;  // the first forward lookup that failed, when none matched
};

namespace {

const char* const kDnsFailureText = "Client host rejected: temporary DNS failure, try again later";

// The answer's addresses include the client's; addresses compare in IpAddress's canonical
// form, so "2001:DB8::1" and "2001:db8:0::1" match.
bool answerContains(const DnsAnswer& answer, const IpAddress& client) {
    for (const auto& record : answer.records) {
        auto address = IpAddress::parse(record.text);
        if (address && *address == client) {
            return true;
        }
    }
    return false;
}

std::string joinNames(const std::vector<std::string>& names) {
    std::string out;
    for (const auto& name : names) {
        out += (out.empty() ? "" : ",") + printableText(name, 80);
    }
    return out;
}

}  // namespace

ClientNameCheck::ClientNameCheck(const ClientCheckSettings& settings)
    : action_(settings.ptr_action),
      on_dns_failure_(settings.on_dns_failure),
      forward_confirmed_(settings.ptr_forward_confirmed),
      score_no_ptr_(settings.score_no_ptr),
      score_not_confirmed_(settings.score_ptr_not_confirmed) {}

boost::asio::awaitable<CheckOutcome> ClientNameCheck::check(const SmtpSession& session,
                                                            DnsLookup& dns) const {
    CheckOutcome outcome;
    if (action_ == ClientCheckAction::Off || session.authenticated() || session.trusted_network) {
        co_return outcome;
    }
    const IpAddress& client = session.client_address;
    const std::string address = client.toString();
    DnsAnswer pointers = co_await dns.resolve(client.pointerName(), DnsType::Ptr);
    if (pointers.temporaryError()) {
        recordDnsFailure(outcome, action_, on_dns_failure_, "CLIENT_PTR_DNS_FAILURE",
                         "PTR " + client.pointerName() + ": " + pointers.error, kDnsFailureText);
        co_return outcome;
    }
    // A PTR pointing at a name that cannot be looked up ("", junk bytes) names nothing.
    std::vector<std::string> names;
    for (const auto& record : pointers.records) {
        if (isQueryableDnsName(record.text)) {
            names.push_back(record.text);
        }
    }
    if (names.empty()) {
        recordFinding(outcome, action_, "CLIENT_NO_PTR", score_no_ptr_,
                      address + " " + dnsStatusName(pointers.status),
                      rejectReply("5.7.1",
                                  "Client host rejected: cannot find your reverse "
                                  "hostname, [" +
                                      address + "]"));
        co_return outcome;
    }
    if (!forward_confirmed_) {
        co_return outcome;
    }
    Confirmation confirmation = co_await confirmForward(client, names, dns);
    if (confirmation.confirmed) {
        co_return outcome;
    }
    if (!confirmation.temporary_error.empty()) {
        recordDnsFailure(outcome, action_, on_dns_failure_, "CLIENT_PTR_DNS_FAILURE",
                         confirmation.temporary_error, kDnsFailureText);
        co_return outcome;
    }
    recordFinding(
        outcome, action_, "CLIENT_PTR_NOT_CONFIRMED", score_not_confirmed_,
        address + " ptr=" + joinNames(names),
        rejectReply("5.7.1", "Client host rejected: cannot find your hostname, [" + address + "]"));
    co_return outcome;
}

boost::asio::awaitable<ClientNameCheck::Confirmation> ClientNameCheck::confirmForward(
    const IpAddress& client, std::vector<std::string> names, DnsLookup& dns) const {
    if (names.size() > kMaximumNamesConfirmed) {
        names.resize(kMaximumNamesConfirmed);
    }
    const DnsType type = client.isIpv4() ? DnsType::A : DnsType::Aaaa;
    std::vector<boost::asio::awaitable<DnsAnswer>> lookups;
    for (const auto& name : names) {
        lookups.push_back(dns.resolve(name, type));
    }
    std::vector<DnsAnswer> answers = co_await awaitAll(std::move(lookups));
    Confirmation confirmation;
    for (std::size_t i = 0; i < answers.size(); ++i) {
        if (answerContains(answers[i], client)) {
            confirmation.confirmed = true;
            co_return confirmation;
        }
        if (answers[i].temporaryError() && confirmation.temporary_error.empty()) {
            confirmation.temporary_error = std::string(dnsTypeName(type)) + " " +
                                           printableText(names[i], 80) + ": " + answers[i].error;
        }
    }
    co_return confirmation;
}

CheckOutcome ClientNameCheck::unfinished() const {
    CheckOutcome outcome;
    recordDnsFailure(outcome, action_, on_dns_failure_, "CLIENT_PTR_DNS_FAILURE",
                     "PTR check not finished by the reply deadline", kDnsFailureText);
    return outcome;
}

namespace {

std::vector<std::string> clientNameSymbols(const Config&) {
    return {"CLIENT_NO_PTR", "CLIENT_PTR_NOT_CONFIRMED", "CLIENT_PTR_DNS_FAILURE"};
}

std::unique_ptr<SmtpStageCheck> makeClientNameCheck(const Config& config, const Services&) {
    if (config.client_checks.ptr_action == ClientCheckAction::Off) {
        return nullptr;
    }
    return std::make_unique<ClientNameCheck>(config.client_checks);
}

}  // namespace

CheckDescriptor clientNameCheckDescriptor() {
    CheckDescriptor descriptor;
    descriptor.name = "ptr";
    descriptor.stage = CheckStage::Smtp;
    descriptor.phase = CheckPhase::Filter;
    descriptor.config_section = "client_checks";
    descriptor.symbols = clientNameSymbols;
    descriptor.make_smtp_check = makeClientNameCheck;
    return descriptor;
}

}  // namespace mailgate
