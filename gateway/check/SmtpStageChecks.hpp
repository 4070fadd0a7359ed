// SmtpStageChecks: the SMTP-stage checks one config snapshot enables (PTR, HELO, sender
// domain, DNSBL, SPF), built once per snapshot, and run together
// for one session: all concurrently, their outcomes merged into one. Merging keeps every
// symbol and header; a reject outranks a deferral, and among equals the first check in
// list order wins, so the outcome is the same whatever order the lookups finish in. It
// does not compute a verdict from scores (the scorer does) nor speak any MTA protocol.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "gateway/check/SmtpStageCheck.hpp"
#include "gateway/config/Config.hpp"

namespace mailgate {

struct SmtpStageCheckResult {
    std::string check;  // SmtpStageCheck::name()
    CheckOutcome outcome;
};

struct SmtpStageOutcome {
    std::vector<SmtpStageCheckResult> checks;  // in list order
    CheckOutcome merged;
};

class SmtpStageChecks {
  public:
    // The checks the snapshot enables, in a fixed order (see the .cpp).
    static SmtpStageChecks fromConfig(const Config& config);
    void add(std::unique_ptr<SmtpStageCheck> check) { checks_.push_back(std::move(check)); }

    bool empty() const { return checks_.empty(); }
    std::vector<std::string> names() const;
    // Never throws (each check promises not to); DNS failures are in the outcomes.
    boost::asio::awaitable<SmtpStageOutcome> run(const SmtpSession& session, DnsLookup& dns) const;

  private:
    std::vector<std::shared_ptr<const SmtpStageCheck>> checks_;
};

CheckOutcome mergeCheckOutcomes(const std::vector<SmtpStageCheckResult>& results);

}  // namespace mailgate
