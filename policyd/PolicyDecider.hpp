// PolicyDecider: turns one policy request into one reply and one decision log line. It
// translates the request into an SmtpSession, asks the snapshot's SmtpStagePolicy (built
// once per config snapshot) under policyd.reply_deadline_ms, signs the policy-stage
// header for the milter when there is something to pass on, and words the Postfix
// action. It knows nothing of sockets; it never throws for a request.
#pragma once

#include <atomic>
#include <memory>

#include "gateway/check/SmtpStagePolicy.hpp"
#include "gateway/config/Config.hpp"
#include "gateway/config/SnapshotCache.hpp"
#include "gateway/dns/DnsLookup.hpp"
#include "gateway/greylist/GreylistStore.hpp"
#include "gateway/log/Logger.hpp"
#include "policyd/PolicyReply.hpp"
#include "policyd/PolicyRequest.hpp"
#include "policyd/PolicyTransaction.hpp"

namespace mailgate {

class PolicyDecider {
  public:
    PolicyDecider(Logger& logger, DnsLookup& dns, std::shared_ptr<GreylistStore> greylistStore)
        : logger_(logger),
          dns_(dns),
          policies_([store = std::move(greylistStore)](const Config& config) {
              return std::make_shared<const SmtpStagePolicy>(config, store);
          }) {}

    boost::asio::awaitable<PolicyReply> decide(const PolicyRequest& request,
                                               PolicyTransaction& transaction,
                                               ConfigSnapshot config);

    // Greylisting decisions made without the store because it failed (Redis down or too
    // slow for its own timeouts), since start. A deadline cut-off shows as unfinished.
    std::uint64_t greylistStoreFailures() const { return greylist_store_failures_.load(); }

  private:
    std::string policyHeader(const Config& config, const SmtpSession& session,
                             const CheckOutcome& merged, PolicyTransaction& transaction) const;
    void log(const PolicyRequest& request, const Config& config, const SmtpStageVerdict& verdict,
             const PolicyReply& reply, std::int64_t elapsedMicroseconds, std::string_view problem);

    Logger& logger_;
    DnsLookup& dns_;
    SnapshotCache<SmtpStagePolicy> policies_;
    std::atomic<std::uint64_t> greylist_store_failures_{0};
};

}  // namespace mailgate
