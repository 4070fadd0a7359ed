// ContentPipeline: the content stage for one config snapshot, the one entry point the
// milter and `mailgatectl scan` share: the MIME parser with the content.* limits, the
// content checks the snapshot enables, and the scorer. evaluate() runs every check on a
// parsed Message, adds the policy stage's symbols (from the signed header), and returns
// the per-check outcomes and the one Verdict. Built once per snapshot; immutable, so one
// instance serves every libmilter thread. No libmilter here.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "gateway/config/Config.hpp"
#include "gateway/content/ContentCheck.hpp"
#include "gateway/content/Scorer.hpp"
#include "gateway/mime/MimeParser.hpp"
#include "gateway/relay/RelayDomains.hpp"

namespace mailgate {

struct ContentCheckResult {
    std::string check;
    CheckOutcome outcome;
};

struct ContentEvaluation {
    std::vector<ContentCheckResult> checks;
    std::vector<Symbol> policy_symbols;
    Verdict verdict;
};

class ContentPipeline {
  public:
    explicit ContentPipeline(const Config& config);

    const MimeParser& parser() const { return parser_; }
    // Why a message must not be scanned ("" when it must): too big, or from an
    // authenticated sender with content.filter_authenticated off.
    std::string reasonNotToScan(const MessageEnvelope& envelope, std::uint64_t size) const;
    ContentEvaluation evaluate(const Message& message, std::vector<Symbol> policySymbols) const;
    // The verdict for a message that is not scanned: accepted untouched.
    static Verdict unscanned(std::string reason);
    // Mail from outside: not authenticated and not from the trusted networks.
    bool isInbound(const MessageEnvelope& envelope) const;

  private:
    ContentSettings settings_;
    MimeParser parser_;
    std::vector<std::unique_ptr<ContentCheck>> checks_;
    Scorer scorer_;
    RelayDomains relay_;
};

MimeLimits mimeLimitsFrom(const ContentSettings& settings);

}  // namespace mailgate
