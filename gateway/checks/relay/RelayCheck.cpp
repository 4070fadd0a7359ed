// Anti-relay at RCPT (see RelayCheck.hpp).
#include "gateway/checks/relay/RelayCheck.hpp"

#include "gateway/net/MailAddress.hpp"

namespace mailgate {

CheckOutcome RelayCheck::judge(const SmtpSession& session) const {
    CheckOutcome outcome;
    if (session.recipients.empty() || session.trusted_network || session.authenticated()) {
        return outcome;
    }
    const std::string& recipient = session.recipients.front();
    auto parts = MailAddress::split(recipient);
    if (parts.domain.empty() || domains_->isLocalDomain(parts.domain)) {
        return outcome;
    }
    outcome.addSymbol("RELAY_DENIED", 0.0, "recipient domain " + parts.domain);
    // Postfix puts "<recipient>: Recipient address rejected: " in front of the text.
    outcome.reply = rejectReply("5.7.1", "Relay access denied", 554);
    return outcome;
}

boost::asio::awaitable<CheckOutcome> RelayCheck::check(const SmtpSession& session,
                                                       DnsLookup&) const {
    co_return judge(session);
}

namespace {

std::vector<std::string> relaySymbols(const Config&) {
    return {"RELAY_DENIED"};
}

std::unique_ptr<SmtpStageCheck> makeRelayCheck(const Config& config, const Services&) {
    if (!config.relay.check || config.relay.domains.empty()) {
        return nullptr;
    }
    return std::make_unique<RelayCheck>(std::make_shared<const RelayDomains>(config.relay));
}

}  // namespace

CheckDescriptor relayCheckDescriptor() {
    CheckDescriptor descriptor;
    descriptor.name = "relay";
    descriptor.stage = CheckStage::Smtp;
    descriptor.phase = CheckPhase::PreFilter;
    descriptor.config_section = "relay";
    descriptor.symbols = relaySymbols;
    descriptor.make_smtp_check = makeRelayCheck;
    return descriptor;
}

}  // namespace mailgate
