// SmtpStageChecks: the SMTP-stage checks one config snapshot enables (access lists,
// relay, limits, local senders, PTR, HELO, sender domain, DNSBL, SPF), built once per
// snapshot, and run together for one session at one stage: those that judge that stage,
// all concurrently, under an optional deadline (a check not done by then contributes its
// unfinished() outcome), their outcomes merged into one. Merging keeps every symbol and
// header; a reject outranks a deferral, and among equals the first check in list order
// wins, so the outcome is the same whatever order the lookups finish in. It does not
// compute a verdict from scores (the scorer does) nor speak any MTA protocol.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gateway/check/SmtpStageCheck.hpp"
#include "gateway/config/Config.hpp"
#include "gateway/relay/RelayDomains.hpp"

namespace mailgate {

struct SmtpStageCheckResult {
    std::string check;  // SmtpStageCheck::name()
    CheckOutcome outcome;
    bool finished = true;  // false: the deadline came first, outcome is unfinished()
};

struct SmtpStageOutcome {
    std::vector<SmtpStageCheckResult> checks;  // in list order
    CheckOutcome merged;
};

class SmtpStageChecks {
  public:
    // The checks the snapshot enables, in a fixed order (see the .cpp).
    // `relayDomains` is the snapshot's (built from config.relay when null).
    static SmtpStageChecks fromConfig(const Config& config,
                                      std::shared_ptr<const RelayDomains> relayDomains = nullptr);
    void add(std::unique_ptr<SmtpStageCheck> check) { checks_.push_back(std::move(check)); }

    bool empty() const { return checks_.empty(); }
    std::vector<std::string> names() const;
    // Runs the checks that judge session->stage. Never throws (each check promises not
    // to); DNS failures are in the outcomes. Without a deadline it waits for every check.
    boost::asio::awaitable<SmtpStageOutcome> run(
        std::shared_ptr<const SmtpSession> session, DnsLookup& dns,
        std::optional<std::chrono::steady_clock::time_point> deadline = std::nullopt) const;

  private:
    std::vector<std::shared_ptr<const SmtpStageCheck>> checks_;
};

CheckOutcome mergeCheckOutcomes(const std::vector<SmtpStageCheckResult>& results);

}  // namespace mailgate
