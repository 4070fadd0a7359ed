// GreylistCheck (C14, docs/features.md): greylisting at RCPT. Authenticated clients, trusted
// networks and whitelisted clients, recipients or sender domains pass untouched; for the
// rest, the triplet (origin, normalised sender, recipient) is observed in the store: new
// or too early is deferred (450 4.7.1, DEFER_IF_PERMIT by default, with the seconds to
// wait), the attempt after the delay passes with an X-Greylist header, a known triplet or
// an auto-whitelisted origin passes. A post-filter: it runs after the other checks (it
// needs SPF's verdict to key on the sender domain, and rejected mail must not create
// triplets). When the store fails, greylist.on_redis_failure decides: let the mail on,
// or defer it.
#pragma once

#include <memory>
#include <string>

#include "gateway/checks/greylist/GreylistStore.hpp"
#include "gateway/checks/greylist/GreylistWhitelist.hpp"
#include "gateway/config/Config.hpp"
#include "gateway/engine/CheckOutcome.hpp"
#include "gateway/engine/CheckRegistry.hpp"
#include "gateway/engine/Counters.hpp"
#include "gateway/engine/SmtpSession.hpp"
#include "gateway/engine/SmtpStageCheck.hpp"

namespace mailgate {

class GreylistCheck final : public SmtpStageCheck {
  public:
    // `counters` keeps the count of store failures across config reloads.
    GreylistCheck(const GreylistSettings& settings, std::shared_ptr<GreylistStore> store,
                  std::shared_ptr<Counters> counters = std::make_shared<Counters>());

    std::string_view name() const override { return "greylist"; }
    bool appliesAt(SmtpStage stage) const override { return stage == SmtpStage::Rcpt; }
    // session.facts.spf_pass lets the triplet be keyed on the sender domain; session.now
    // is the time. Its log fields: greylist (the state: "new", "early", "passed",
    // "known", "whitelisted" (the origin's auto-whitelist), "skipped", "store_failed",
    // "unfinished"), greylist_detail (why skipped, the store error, the triplet's origin)
    // and, after a store failure, greylist_store_failures (how many since start).
    boost::asio::awaitable<CheckOutcome> check(const SmtpSession& session,
                                               DnsLookup& dns) const override;
    // What greylisting contributes when the store has not answered by the deadline.
    CheckOutcome unfinished() const override;
    // The longest check() can take (the store's own bound; everything else is at once).
    std::chrono::milliseconds latencyBound() const override { return store_->latencyBound(); }

    // The triplet for a session (exposed for mailgatectl and tests).
    GreylistTriplet tripletFor(const SmtpSession& session) const;

  private:
    CheckOutcome storeFailed(std::string reason, std::string state) const;
    CheckOutcome deferral(const SmtpSession& session, const GreylistObservation& seen,
                          const std::string& origin) const;
    std::string headerValue(std::int64_t delay, std::int64_t now) const;

    GreylistSettings settings_;
    GreylistTiming timing_;
    GreylistWhitelist whitelist_;
    std::shared_ptr<GreylistStore> store_;
    std::shared_ptr<Counters> counters_;
    std::string host_;
};

CheckDescriptor greylistCheckDescriptor();

}  // namespace mailgate
