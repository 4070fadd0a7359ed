// SmtpStagePolicy: everything the SMTP stage decides for one config snapshot, in one
// place both front ends call (the policy daemon for Postfix; the milter's envelope
// callbacks for Sendmail, later). Built once per snapshot from the check registry with
// the process's services; immutable, so one instance serves every connection. For a
// session at a stage it marks trusted clients, runs the pre-filters (access lists, relay,
// limits, local senders: no DNS, and a reject there spares the DNS checks), then the
// filters concurrently under the reply deadline less what the post-filters need, then,
// unless something rejects, the post-filters (greylisting) with the facts the others
// established, and merges it all. No MTA protocol here.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "gateway/checks/relay/RelayDomains.hpp"
#include "gateway/config/Config.hpp"
#include "gateway/engine/Services.hpp"
#include "gateway/engine/SmtpStageChecks.hpp"

namespace mailgate {

struct SmtpStageVerdict {
    SmtpStageOutcome filters;  // the pre-filters' and filters' own outcomes, in registry order
    std::vector<SmtpStageCheckResult> post_filters;  // when they ran
    CheckOutcome merged;  // every symbol, header and log field, and the one reply (if any)

    // A post-filter's result by check name, or null when it did not run.
    const SmtpStageCheckResult* postFilter(std::string_view name) const {
        for (const auto& result : post_filters) {
            if (result.check == name) {
                return &result;
            }
        }
        return nullptr;
    }
};

class SmtpStagePolicy {
  public:
    // `services.dns` must be set: the filters ask it.
    SmtpStagePolicy(const Config& config, const Services& services);

    // Sets session->trusted_network, then decides; session->now must be set (greylisting).
    boost::asio::awaitable<SmtpStageVerdict> evaluate(
        std::shared_ptr<SmtpSession> session, std::chrono::steady_clock::time_point deadline) const;

    const RelayDomains& relayDomains() const { return *relay_domains_; }
    // The enabled checks' names in the order they run.
    std::vector<std::string> checkNames() const;

  private:
    std::shared_ptr<const RelayDomains> relay_domains_;
    DnsLookup& dns_;
    SmtpStageChecks pre_filters_;
    SmtpStageChecks filters_;
    SmtpStageChecks post_filters_;
};

}  // namespace mailgate
