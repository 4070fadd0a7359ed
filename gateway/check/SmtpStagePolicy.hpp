// SmtpStagePolicy: everything the SMTP stage decides for one config snapshot, in one
// place both front ends call (the policy daemon for Postfix; the milter's envelope
// callbacks for Sendmail). For a session at a stage it marks trusted clients, runs the
// checks that judge that stage concurrently under the reply deadline (less the time kept
// for greylisting), then, at RCPT and unless something rejects, greylisting (which needs
// SPF's verdict and must not record mail that is rejected anyway), and merges it all. Built once
// per snapshot; immutable, so one instance serves every connection. No MTA protocol here.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gateway/check/SmtpStageChecks.hpp"
#include "gateway/config/Config.hpp"
#include "gateway/greylist/GreylistCheck.hpp"
#include "gateway/relay/RelayDomains.hpp"

namespace mailgate {

struct SmtpStageVerdict {
    SmtpStageOutcome filters;                 // each check's own outcome, in list order
    std::optional<GreylistVerdict> greylist;  // when greylisting ran
    CheckOutcome merged;                      // every symbol and header, and the one reply (if any)
};

class SmtpStagePolicy {
  public:
    // `greylistStore` may be null when greylisting is off.
    SmtpStagePolicy(const Config& config, std::shared_ptr<GreylistStore> greylistStore);

    // Sets session->trusted_network, then decides. `now` is Unix seconds (greylisting).
    boost::asio::awaitable<SmtpStageVerdict> evaluate(
        std::shared_ptr<SmtpSession> session, DnsLookup& dns,
        std::chrono::steady_clock::time_point deadline, std::int64_t now) const;

    const RelayDomains& relayDomains() const { return *relay_domains_; }
    // The enabled checks' names, greylisting last when on.
    std::vector<std::string> checkNames() const;

  private:
    std::shared_ptr<const RelayDomains> relay_domains_;
    SmtpStageChecks checks_;
    std::shared_ptr<const GreylistCheck> greylist_;
};

}  // namespace mailgate
