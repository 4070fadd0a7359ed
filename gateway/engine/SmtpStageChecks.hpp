// SmtpStageChecks: the SMTP-stage checks of one or more phases that one config snapshot
// enables (from the check registry, in registry order), built once per snapshot, and run
// together for one session at one stage: those that judge that stage, all concurrently,
// under an optional deadline (a check not done by then contributes its unfinished()
// outcome), their outcomes merged into one. Merging keeps every symbol, header and log
// field; a reject outranks a deferral, and among equals the first check in registry order
// wins, so the outcome is the same whatever order the lookups finish in. It does not
// compute a verdict from scores (the scorer does) nor speak any MTA protocol.
#pragma once

#include <chrono>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gateway/config/Config.hpp"
#include "gateway/engine/CheckPhase.hpp"
#include "gateway/engine/Services.hpp"
#include "gateway/engine/SmtpStageCheck.hpp"

namespace mailgate {

struct SmtpStageCheckResult {
    std::string check;  // SmtpStageCheck::name()
    CheckOutcome outcome;
    bool finished = true;  // false: the deadline came first, outcome is unfinished()
};

struct SmtpStageOutcome {
    std::vector<SmtpStageCheckResult> checks;  // in registry order
    CheckOutcome merged;
};

class SmtpStageChecks {
  public:
    // The registered SMTP-stage checks of these phases that the snapshot enables.
    static SmtpStageChecks fromRegistry(const Config& config, const Services& services,
                                        std::initializer_list<CheckPhase> phases);
    void add(std::unique_ptr<SmtpStageCheck> check) { checks_.push_back(std::move(check)); }

    bool empty() const { return checks_.empty(); }
    std::vector<std::string> names() const;
    // Whether any of the checks judges this stage.
    bool anyAppliesAt(SmtpStage stage) const;
    // The longest any of them that judges this stage may take (SmtpStageCheck::latencyBound).
    std::chrono::milliseconds latencyBoundAt(SmtpStage stage) const;
    // Runs the checks that judge session->stage. Never throws (each check promises not
    // to); DNS failures are in the outcomes. Without a deadline it waits for every check.
    boost::asio::awaitable<SmtpStageOutcome> run(
        std::shared_ptr<const SmtpSession> session, DnsLookup& dns,
        std::optional<std::chrono::steady_clock::time_point> deadline = std::nullopt) const;

  private:
    std::vector<std::shared_ptr<const SmtpStageCheck>> checks_;
};

CheckOutcome mergeCheckOutcomes(const std::vector<SmtpStageCheckResult>& results);
// Adds `later`'s symbols, headers, log fields and dependency failure to `merged`; its
// reply counts only when `merged` has none (a post-filter never overrides a reject).
void mergeLaterOutcome(CheckOutcome& merged, const CheckOutcome& later);

}  // namespace mailgate
