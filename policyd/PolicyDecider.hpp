// PolicyDecider: turns one policy request into one reply and one decision log line. It
// translates the request into an SmtpSession, asks the snapshot's SmtpStagePolicy (built
// once per config snapshot) under policyd.reply_deadline_ms, signs the policy-stage
// header for the milter when there is something to pass on, words the Postfix action, and
// hands the decision's tracking record to the services' MessageTracker (not waited for).
// It knows nothing of sockets; it never throws for a request.
#pragma once

#include <memory>

#include "gateway/config/Config.hpp"
#include "gateway/config/SnapshotCache.hpp"
#include "gateway/engine/Services.hpp"
#include "gateway/engine/SmtpStagePolicy.hpp"
#include "gateway/log/Logger.hpp"
#include "policyd/PolicyReply.hpp"
#include "policyd/PolicyRequest.hpp"
#include "policyd/PolicyTransaction.hpp"

namespace mailgate {

class PolicyDecider {
  public:
    // `services` lives as long as the daemon: every snapshot's checks are built with it.
    PolicyDecider(Logger& logger, const Services& services)
        : logger_(logger), tracker_(services.tracker), policies_([&services](const Config& config) {
              return std::make_shared<const SmtpStagePolicy>(config, services);
          }) {}

    boost::asio::awaitable<PolicyReply> decide(const PolicyRequest& request,
                                               PolicyTransaction& transaction,
                                               ConfigSnapshot config);

  private:
    std::string policyHeader(const Config& config, const SmtpSession& session,
                             const CheckOutcome& merged, PolicyTransaction& transaction) const;
    void log(const PolicyRequest& request, const Config& config, const SmtpStageVerdict& verdict,
             const PolicyReply& reply, std::int64_t elapsedMicroseconds, std::string_view problem);

    Logger& logger_;
    std::shared_ptr<MessageTracker> tracker_;  // null: nothing is recorded
    SnapshotCache<SmtpStagePolicy> policies_;
};

}  // namespace mailgate
