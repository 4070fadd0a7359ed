// Senders claiming a local domain (see LocalSenderCheck.hpp).
#include "gateway/checks/local_senders/LocalSenderCheck.hpp"

#include <cctype>

#include "gateway/net/MailAddress.hpp"
#include "gateway/util/AsciiCase.hpp"

namespace mailgate {
LocalSenderCheck::LocalSenderCheck(const LocalSenderSettings& settings,
                                   std::shared_ptr<const RelayDomains> domains)
    : domains_(std::move(domains)),
      skip_trusted_networks_(settings.skip_trusted_networks),
      skip_authenticated_(settings.skip_authenticated) {
    for (const auto& address : settings.addresses) {
        addresses_.insert(lowerCase(address));
    }
}

bool LocalSenderCheck::isKnown(const std::string& sender) const {
    std::string address = lowerCase(sender);
    if (addresses_.count(address) != 0) {
        return true;
    }
    auto parts = MailAddress::split(address);
    auto plus = parts.local_part.find('+');
    return plus != std::string::npos && plus > 0 &&
           addresses_.count(parts.local_part.substr(0, plus) + "@" + parts.domain) != 0;
}

CheckOutcome LocalSenderCheck::judge(const SmtpSession& session) const {
    CheckOutcome outcome;
    if (session.sender.empty() || (skip_trusted_networks_ && session.trusted_network) ||
        (skip_authenticated_ && session.authenticated())) {
        return outcome;
    }
    if (!domains_->isLocalAddress(session.sender) || isKnown(session.sender)) {
        return outcome;
    }
    auto domain = MailAddress::split(session.sender).domain;
    outcome.addSymbol("LOCAL_SENDER_UNKNOWN", 0.0, session.sender);
    outcome.reply = rejectReply(
        "5.7.1", "Sender <" + session.sender + "> is not a known user of " + domain, 553);
    return outcome;
}

boost::asio::awaitable<CheckOutcome> LocalSenderCheck::check(const SmtpSession& session,
                                                             DnsLookup&) const {
    co_return judge(session);
}

namespace {

std::vector<std::string> localSenderSymbols(const Config&) {
    return {"LOCAL_SENDER_UNKNOWN"};
}

std::unique_ptr<SmtpStageCheck> makeLocalSenderCheck(const Config& config, const Services&) {
    if (!config.local_senders.enabled) {
        return nullptr;
    }
    return std::make_unique<LocalSenderCheck>(config.local_senders,
                                              std::make_shared<const RelayDomains>(config.relay));
}

}  // namespace

CheckDescriptor localSenderCheckDescriptor() {
    CheckDescriptor descriptor;
    descriptor.name = "local_sender";
    descriptor.stage = CheckStage::Smtp;
    descriptor.phase = CheckPhase::PreFilter;
    descriptor.config_section = "local_senders";
    descriptor.symbols = localSenderSymbols;
    descriptor.make_smtp_check = makeLocalSenderCheck;
    return descriptor;
}

}  // namespace mailgate
