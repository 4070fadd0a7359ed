// Greylisting at RCPT (see GreylistCheck.hpp).
#include "gateway/greylist/GreylistCheck.hpp"

#include <ctime>

#include "gateway/greylist/SenderNormalizer.hpp"
#include "gateway/net/MailAddress.hpp"
#include "gateway/spf/SpfCheck.hpp"
#include "gateway/util/AsciiCase.hpp"

namespace mailgate {
namespace {

bool hasSymbol(const CheckOutcome& outcome, std::string_view name) {
    for (const auto& symbol : outcome.symbols) {
        if (symbol.name == name) {
            return true;
        }
    }
    return false;
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

std::string rfc5322Date(std::int64_t now) {
    std::time_t seconds = static_cast<std::time_t>(now);
    std::tm parts{};
    gmtime_r(&seconds, &parts);
    char text[64];
    std::strftime(text, sizeof text, "%a, %d %b %Y %H:%M:%S +0000", &parts);
    return text;
}

}  // namespace

GreylistCheck::GreylistCheck(const GreylistSettings& settings, std::shared_ptr<GreylistStore> store)
    : settings_(settings),
      whitelist_(settings.whitelist_clients, settings.whitelist_recipients,
                 settings.whitelist_sender_domains),
      store_(std::move(store)),
      host_(localHostName()) {
    timing_.delay_s = settings.delay_s;
    timing_.retry_window_s = settings.retry_window_s;
    timing_.pass_lifetime_s = settings.pass_lifetime_s;
    timing_.auto_whitelist_after = settings.auto_whitelist_after;
    timing_.auto_whitelist_interval_s = settings.auto_whitelist_interval_s;
}

GreylistTriplet GreylistCheck::tripletFor(const SmtpSession& session,
                                          const CheckOutcome& earlier) const {
    GreylistTriplet triplet;
    auto senderDomain = MailAddress::split(session.sender).domain;
    if (settings_.key_on_spf_domain && !senderDomain.empty() &&
        hasSymbol(earlier, SpfCheck::symbolName(SpfResultCode::Pass))) {
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
           " at " + host_ + "; " + rfc5322Date(now);
}

GreylistVerdict GreylistCheck::storeFailed(std::string reason, std::string state) const {
    GreylistVerdict verdict;
    verdict.state = std::move(state);
    verdict.detail = reason;
    verdict.outcome.addSymbol("GREYLIST_STORE_FAILED", 0.0, reason);
    verdict.outcome.dependency_failure = "greylist: " + reason;
    if (settings_.on_redis_failure == GreylistFailurePolicy::Tempfail) {
        verdict.outcome.reply = temporaryFailureReply(
            "4.3.0", "Greylisting is temporarily unavailable, try again later", 451);
    }
    return verdict;
}

GreylistVerdict GreylistCheck::unfinished() const {
    return storeFailed("not answered by the reply deadline", "unfinished");
}

GreylistVerdict GreylistCheck::deferral(const SmtpSession& session,
                                        const GreylistObservation& seen) const {
    GreylistVerdict verdict;
    verdict.state = greylistStatusName(seen.status);
    std::string domain =
        session.recipients.empty() ? "" : MailAddress::split(session.recipients.front()).domain;
    verdict.outcome.addSymbol("GREYLIST_DEFERRED", 0.0,
                              "retry in " + std::to_string(seen.seconds) + " s");
    SmtpReply reply = temporaryFailureReply(
        "4.7.1", expandReplyText(settings_.reply_text, seen.seconds, domain), 450);
    reply.unless_rejected = settings_.action == GreylistAction::DeferIfPermit;
    verdict.outcome.reply = std::move(reply);
    return verdict;
}

boost::asio::awaitable<GreylistVerdict> GreylistCheck::check(
    std::shared_ptr<const SmtpSession> session, CheckOutcome earlier, std::int64_t now) const {
    GreylistVerdict verdict;
    verdict.state = "skipped";
    if (session->authenticated()) {
        verdict.detail = "authenticated client";
        co_return verdict;
    }
    if (session->trusted_network) {
        verdict.detail = "trusted network";
        co_return verdict;
    }
    std::string recipient = session->recipients.empty() ? "" : session->recipients.front();
    verdict.detail = whitelist_.reasonToSkip(session->client_address, session->client_name,
                                             session->sender, recipient);
    if (!verdict.detail.empty()) {
        co_return verdict;
    }
    GreylistTriplet triplet = tripletFor(*session, earlier);
    auto seen = co_await store_->observe(triplet, now, timing_);
    if (!seen) {
        co_return storeFailed(seen.error(), "store_failed");
    }
    if (seen->status == GreylistStatus::New || seen->status == GreylistStatus::Early) {
        auto deferred = deferral(*session, *seen);
        deferred.detail = triplet.origin;
        co_return deferred;
    }
    verdict.state = greylistStatusName(seen->status);
    verdict.detail = triplet.origin;
    if (seen->status == GreylistStatus::Passed) {
        verdict.outcome.addSymbol("GREYLIST_PASSED", 0.0,
                                  "delayed " + std::to_string(seen->seconds) + " s");
        if (settings_.add_header) {
            verdict.outcome.headers.push_back({"X-Greylist", headerValue(seen->seconds, now)});
        }
    }
    co_return verdict;
}

}  // namespace mailgate
