// ContentPipeline: the content stage for one config snapshot, the one entry point the
// milter and `mailgatectl scan` share: the MIME parser with the content.* limits, the
// content checks, the global rules (gateway/rules/), the global white and black lists,
// and the scorer. In two steps, so the auto-whitelist (which needs the score, in Redis)
// can sit between them: assess() runs the checks (unless a global whitelist says the
// message skips them) and gathers the symbols; decide() judges each recipient (personal
// lists, "to:" lists, rules with Envelope-To, the AWL's adjustment) and picks the verdict
// of the copy that is delivered. Built once per snapshot; immutable. No libmilter here.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gateway/config/Config.hpp"
#include "gateway/content/ContentCheck.hpp"
#include "gateway/content/Scorer.hpp"
#include "gateway/lists/GlobalLists.hpp"
#include "gateway/lists/PersonalListStore.hpp"
#include "gateway/mime/MimeParser.hpp"
#include "gateway/relay/RelayDomains.hpp"
#include "gateway/rules/RuleSet.hpp"

namespace mailgate {

struct ContentCheckResult {
    std::string check;
    CheckOutcome outcome;
};

struct ContentAssessment {
    std::vector<ContentCheckResult> checks;
    std::vector<Symbol> policy_symbols;
    std::vector<Symbol> symbols;      // the policy stage's and the checks' (what the AWL learns)
    std::optional<SmtpReply> reject;  // a check's
    ListFinding global;               // the "from:" and "client:" lists
    double score = 0;  // of `symbols`, with scoring.symbol_weights: what the AWL learns
};

struct RecipientVerdict {
    std::string recipient;
    Verdict verdict;
};

struct ContentEvaluation {
    std::vector<ContentCheckResult> checks;
    std::vector<Symbol> policy_symbols;
    Verdict verdict;  // the verdict of the copy that is delivered (or of the message)
    std::vector<RecipientVerdict> recipients;  // one per envelope recipient
};

using PersonalListsByRecipient = std::map<std::string, PersonalLists>;

class ContentPipeline {
  public:
    explicit ContentPipeline(const Config& config);
    ~ContentPipeline();

    const MimeParser& parser() const { return parser_; }
    const AwlSettings& awl() const { return awl_; }
    bool usesPersonalLists() const { return personal_lists_; }
    // Why a message must not be scanned ("" when it must): too big, or from an
    // authenticated sender with content.filter_authenticated off.
    std::string reasonNotToScan(const MessageEnvelope& envelope, std::uint64_t size) const;
    ContentAssessment assess(const Message& message, std::vector<Symbol> policySymbols) const;
    ContentEvaluation decide(const Message& message, const ContentAssessment& assessment,
                             const std::optional<Symbol>& awl,
                             const PersonalListsByRecipient& personal) const;
    // Both steps, without the AWL and personal lists (scan, tests).
    ContentEvaluation evaluate(const Message& message, std::vector<Symbol> policySymbols) const;
    // The verdict for a message that is not scanned: accepted untouched.
    static Verdict unscanned(std::string reason);
    // Mail from outside: not authenticated and not from the trusted networks.
    bool isInbound(const MessageEnvelope& envelope) const;

  private:
    Classification classify(const ContentAssessment& assessment, const Message& message,
                            const std::string& recipient, const PersonalListsByRecipient& personal,
                            const RuleEvaluation* rules, std::vector<Symbol>& symbols) const;

    ContentSettings settings_;
    MimeParser parser_;
    std::vector<std::unique_ptr<ContentCheck>> checks_;
    Scorer scorer_;
    RelayDomains relay_;
    GlobalLists lists_;
    std::unique_ptr<RuleSet> rules_;
    AwlSettings awl_;
    bool personal_lists_ = true;
};

MimeLimits mimeLimitsFrom(const ContentSettings& settings);

}  // namespace mailgate
