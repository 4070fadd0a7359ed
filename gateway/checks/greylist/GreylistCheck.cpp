// Greylisting at RCPT (see GreylistCheck.hpp).
#include "gateway/checks/greylist/GreylistCheck.hpp"

#include <ctime>

#include "gateway/checks/greylist/SenderNormalizer.hpp"
#include "gateway/mime/MailDate.hpp"
#include "gateway/net/LocalHostName.hpp"
#include "gateway/net/MailAddress.hpp"
#include "gateway/util/AsciiCase.hpp"

namespace mailgate {
namespace {

CheckOutcome stateOnly(std::string state, std::string detail) {
    CheckOutcome outcome;
    outcome.addLogField("greylist", std::move(state));
    outcome.addLogField("greylist_detail", std::move(detail));
    return outcome;
}

// postgrey's text variables: %s the seconds to wait, %r the recipient's domain.
std::string expandReplyText(const std::string& text, std::int64_t seconds,
                            const std::string& recipientDomain) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '%' && i + 1 < text.size()) {
            char variable = text[i + 1];
            if (variable == 's') {
                out += std::to_string(seconds);
                ++i;
                continue;
            }
            if (variable == 'r') {
                out += recipientDomain;
                ++i;
                continue;
            }
        }
        out += text[i];
    }
    return out;
}

}  // namespace

GreylistCheck::GreylistCheck(const GreylistSettings& settings, std::shared_ptr<GreylistStore> store,
                             std::shared_ptr<Counters> counters)
    : settings_(settings),
      whitelist_(settings.whitelist_clients, settings.whitelist_recipients,
                 settings.whitelist_sender_domains),
      store_(std::move(store)),
      counters_(std::move(counters)),
      host_(localHostName()) {
    timing_.delay_s = settings.delay_s;
    timing_.retry_window_s = settings.retry_window_s;
    timing_.pass_lifetime_s = settings.pass_lifetime_s;
    timing_.origin_whitelist_after = settings.origin_whitelist_after;
    timing_.origin_whitelist_interval_s = settings.origin_whitelist_interval_s;
}

GreylistTriplet GreylistCheck::tripletFor(const SmtpSession& session) const {
    GreylistTriplet triplet;
    auto senderDomain = MailAddress::split(session.sender).domain;
    if (settings_.key_on_spf_domain && !senderDomain.empty() && session.facts.spf_pass) {
        triplet.origin = spfDomainOrigin(senderDomain);
    } else {
        triplet.origin = clientNetworkOrigin(session.client_address,
                                             static_cast<unsigned>(settings_.ipv4_prefix),
                                             static_cast<unsigned>(settings_.ipv6_prefix));
    }
    triplet.sender = normalizeGreylistSender(session.sender);
    triplet.recipient = session.recipients.empty() ? "" : lowerCase(session.recipients.front());
    return triplet;
}

std::string GreylistCheck::headerValue(std::int64_t delay, std::int64_t now) const {
    return "delayed " + std::to_string(delay) + " seconds by mailgate-" + MAILGATE_VERSION +
           " at " + host_ + "; " + formatMailDate(now);
}

CheckOutcome GreylistCheck::storeFailed(std::string reason, std::string state) const {
    bool storeAnswered = state == "store_failed";  // not merely cut off by the deadline
    CheckOutcome outcome = stateOnly(std::move(state), reason);
    if (storeAnswered) {
        outcome.addLogField("greylist_store_failures",
                            std::to_string(counters_->increment("greylist_store_failures")));
    }
    outcome.addSymbol("GREYLIST_STORE_FAILED", 0.0, reason);
    outcome.dependency_failure = "greylist: " + reason;
    if (settings_.on_redis_failure == GreylistFailurePolicy::Tempfail) {
        outcome.reply = temporaryFailureReply(
            "4.3.0", "Greylisting is temporarily unavailable, try again later", 451);
    }
    return outcome;
}

CheckOutcome GreylistCheck::unfinished() const {
    return storeFailed("not answered by the reply deadline", "unfinished");
}

CheckOutcome GreylistCheck::deferral(const SmtpSession& session, const GreylistObservation& seen,
                                     const std::string& origin) const {
    CheckOutcome outcome = stateOnly(greylistStatusName(seen.status), origin);
    std::string domain =
        session.recipients.empty() ? "" : MailAddress::split(session.recipients.front()).domain;
    outcome.addSymbol("GREYLIST_DEFERRED", 0.0, "retry in " + std::to_string(seen.seconds) + " s");
    SmtpReply reply = temporaryFailureReply(
        "4.7.1", expandReplyText(settings_.reply_text, seen.seconds, domain), 450);
    reply.unless_rejected = settings_.action == GreylistAction::DeferIfPermit;
    outcome.reply = std::move(reply);
    return outcome;
}

boost::asio::awaitable<CheckOutcome> GreylistCheck::check(const SmtpSession& session,
                                                          DnsLookup&) const {
    if (session.authenticated()) {
        co_return stateOnly("skipped", "authenticated client");
    }
    if (session.trusted_network) {
        co_return stateOnly("skipped", "trusted network");
    }
    std::string recipient = session.recipients.empty() ? "" : session.recipients.front();
    std::string reason = whitelist_.reasonToSkip(session.client_address, session.client_name,
                                                 session.sender, recipient);
    if (!reason.empty()) {
        co_return stateOnly("skipped", reason);
    }
    GreylistTriplet triplet = tripletFor(session);
    auto seen = co_await store_->observe(triplet, session.now, timing_);
    if (!seen) {
        co_return storeFailed(seen.error(), "store_failed");
    }
    if (seen->status == GreylistStatus::New || seen->status == GreylistStatus::Early) {
        co_return deferral(session, *seen, triplet.origin);
    }
    CheckOutcome outcome = stateOnly(greylistStatusName(seen->status), triplet.origin);
    if (seen->status == GreylistStatus::Passed) {
        outcome.addSymbol("GREYLIST_PASSED", 0.0,
                          "delayed " + std::to_string(seen->seconds) + " s");
        if (settings_.add_header) {
            outcome.headers.push_back({"X-Greylist", headerValue(seen->seconds, session.now)});
        }
    }
    co_return outcome;
}

namespace {

std::vector<std::string> greylistSymbols(const Config&) {
    return {"GREYLIST_DEFERRED", "GREYLIST_PASSED", "GREYLIST_STORE_FAILED"};
}

std::unique_ptr<SmtpStageCheck> makeGreylistCheck(const Config& config, const Services& services) {
    if (!config.greylist.enabled || !services.greylist_store) {
        return nullptr;
    }
    return std::make_unique<GreylistCheck>(config.greylist, services.greylist_store,
                                           services.counters);
}

}  // namespace

CheckDescriptor greylistCheckDescriptor() {
    CheckDescriptor descriptor;
    descriptor.name = "greylist";
    descriptor.stage = CheckStage::Smtp;
    descriptor.phase = CheckPhase::PostFilter;
    descriptor.config_section = "greylist";
    descriptor.symbols = greylistSymbols;
    descriptor.make_smtp_check = makeGreylistCheck;
    return descriptor;
}

}  // namespace mailgate
