// GreylistCheck (C14, docs/features.md): greylisting at RCPT. Authenticated clients, trusted
// networks and whitelisted clients, recipients or sender domains pass untouched; for the
// rest, the triplet (origin, normalised sender, recipient) is observed in the store: new
// or too early is deferred (450 4.7.1, DEFER_IF_PERMIT by default, with the seconds to
// wait), the attempt after the delay passes with an X-Greylist header, a known triplet or
// an auto-whitelisted origin passes. It runs after the other checks (it needs SPF's
// verdict to key on the sender domain, and rejected mail must not create triplets). When
// the store fails, greylist.on_redis_failure decides: let the mail on, or defer it.
#pragma once

#include <memory>
#include <string>

#include "gateway/check/CheckOutcome.hpp"
#include "gateway/check/SmtpSession.hpp"
#include "gateway/config/Config.hpp"
#include "gateway/greylist/GreylistStore.hpp"
#include "gateway/greylist/GreylistWhitelist.hpp"

namespace mailgate {

struct GreylistVerdict {
    CheckOutcome outcome;
    // For the decision log: "new", "early", "passed", "known", "whitelisted" (the
    // auto-whitelist), "skipped", "store_failed", "unfinished".
    std::string state;
    std::string detail;  // why skipped, the store error, the triplet's origin
};

class GreylistCheck {
  public:
    GreylistCheck(const GreylistSettings& settings, std::shared_ptr<GreylistStore> store);

    static bool appliesAt(SmtpStage stage) { return stage == SmtpStage::Rcpt; }
    // `earlier` is the merged outcome of the other checks: SPF_PASS in it lets the
    // triplet be keyed on the sender domain. `now` is Unix seconds.
    boost::asio::awaitable<GreylistVerdict> check(std::shared_ptr<const SmtpSession> session,
                                                  CheckOutcome earlier, std::int64_t now) const;
    // What greylisting contributes when the store has not answered by the deadline.
    GreylistVerdict unfinished() const;
    // The longest check() can take (the store's own bound; everything else is at once).
    std::chrono::milliseconds latencyBound() const { return store_->latencyBound(); }

    // The triplet for a session (exposed for mailgatectl and tests).
    GreylistTriplet tripletFor(const SmtpSession& session, const CheckOutcome& earlier) const;

  private:
    GreylistVerdict storeFailed(std::string reason, std::string state) const;
    GreylistVerdict deferral(const SmtpSession& session, const GreylistObservation& seen) const;
    std::string headerValue(std::int64_t delay, std::int64_t now) const;

    GreylistSettings settings_;
    GreylistTiming timing_;
    GreylistWhitelist whitelist_;
    std::shared_ptr<GreylistStore> store_;
    std::string host_;
};

}  // namespace mailgate
