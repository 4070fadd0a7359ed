// The content stage of one snapshot (see ContentPipeline.hpp).
#include "gateway/content/ContentPipeline.hpp"

#include <cctype>

#include "gateway/content/BrokenMimeCheck.hpp"
#include "gateway/content/HeaderSyntaxCheck.hpp"
#include "gateway/util/AsciiCase.hpp"

namespace mailgate {
namespace {

bool hasSymbol(const std::vector<Symbol>& symbols, std::string_view name) {
    for (const auto& symbol : symbols) {
        if (symbol.name == name) {
            return true;
        }
    }
    return false;
}

Classification listClassification(const ListFinding& finding, const char* white, const char* black,
                                  std::vector<Symbol>& symbols) {
    Classification classification;
    if (finding.whitelisted) {
        symbols.push_back({white, 0.0, finding.entry});
        classification.kind = Classification::Kind::Ham;
        classification.by = std::string(white) + " " + finding.entry;
        classification.symbol = white;
    } else if (finding.blacklisted) {
        symbols.push_back({black, 0.0, finding.entry});
        classification.kind = Classification::Kind::Spam;
        classification.by = std::string(black) + " " + finding.entry;
        classification.symbol = black;
    }
    return classification;
}

std::optional<SpamAction> ruleSpamAction(RuleAction action) {
    switch (action) {
        case RuleAction::Delete:
            return SpamAction::Delete;
        case RuleAction::Deliver:
            return SpamAction::Tag;
        case RuleAction::Quarantine:  // refused by the loader until the quarantine exists
        case RuleAction::SameAsSpamSetting:
            return std::nullopt;
    }
    return std::nullopt;
}

// The copy that is delivered carries the verdict of the spammiest recipient it goes to,
// so no recipient's copy hides that the message is spam.
const Verdict* deliveredVerdict(const std::vector<RecipientVerdict>& recipients) {
    const Verdict* chosen = nullptr;
    for (const auto& recipient : recipients) {
        const Verdict& verdict = recipient.verdict;
        if (verdict.action != VerdictAction::Accept) {
            continue;
        }
        if (!chosen || (verdict.spam && !chosen->spam) ||
            (verdict.spam == chosen->spam && verdict.score > chosen->score)) {
            chosen = &verdict;
        }
    }
    return chosen;
}

}  // namespace

MimeLimits mimeLimitsFrom(const ContentSettings& settings) {
    MimeLimits limits;
    limits.max_depth = static_cast<std::size_t>(settings.max_mime_depth);
    limits.max_parts = static_cast<std::size_t>(settings.max_mime_parts);
    limits.max_decoded_bytes = static_cast<std::uint64_t>(settings.max_decoded_bytes);
    limits.max_text_bytes = static_cast<std::uint64_t>(settings.max_text_bytes);
    return limits;
}

ContentPipeline::ContentPipeline(const Config& config)
    : settings_(config.content),
      parser_(mimeLimitsFrom(config.content)),
      scorer_(config.scoring),
      relay_(config.relay),
      lists_(config.lists),
      rules_(std::make_unique<RuleSet>(config.rule_files)),
      awl_(config.awl),
      personal_lists_(config.lists.personal) {
    if (config.header_checks.action != ClientCheckAction::Off) {
        checks_.push_back(std::make_unique<HeaderSyntaxCheck>(config.header_checks));
    }
    if (config.mime_checks.enabled) {
        checks_.push_back(std::make_unique<BrokenMimeCheck>(config.mime_checks));
    }
}

ContentPipeline::~ContentPipeline() = default;

std::string ContentPipeline::reasonNotToScan(const MessageEnvelope& envelope,
                                             std::uint64_t size) const {
    if (size > static_cast<std::uint64_t>(settings_.max_message_size)) {
        return "larger than content.max_message_size";
    }
    if (envelope.authenticated() && !settings_.filter_authenticated) {
        return "authenticated sender, content.filter_authenticated off";
    }
    return {};
}

bool ContentPipeline::isInbound(const MessageEnvelope& envelope) const {
    if (envelope.authenticated()) {
        return false;
    }
    auto client = IpAddress::parse(envelope.client_address);
    return !(client && relay_.isTrustedClient(*client));
}

Verdict ContentPipeline::unscanned(std::string reason) {
    Verdict verdict;
    verdict.scanned = false;
    verdict.not_scanned_reason = reason;
    verdict.reason = "not scanned: " + reason;
    return verdict;
}

ContentAssessment ContentPipeline::assess(const Message& message,
                                          std::vector<Symbol> policySymbols) const {
    ContentAssessment assessment;
    bool spfPassed = hasSymbol(policySymbols, "SPF_PASS");
    assessment.global = lists_.forMessage(message.envelope, spfPassed);
    assessment.symbols = policySymbols;
    assessment.policy_symbols = std::move(policySymbols);
    if (assessment.global.unverified_whitelist) {
        assessment.symbols.push_back(
            {"WHITELIST_FROM_UNVERIFIED", 0.0, assessment.global.entry + " (no SPF pass)"});
    }
    if (assessment.global.whitelisted) {
        assessment.score = scorer_.weightedTotal(assessment.symbols);
        return assessment;  // whitelisted mail skips the anti-spam checks
    }
    for (const auto& check : checks_) {
        CheckOutcome outcome = check->check(message);
        assessment.symbols.insert(assessment.symbols.end(), outcome.symbols.begin(),
                                  outcome.symbols.end());
        if (outcome.rejects() && !assessment.reject) {
            assessment.reject = outcome.reply;
        }
        assessment.checks.push_back({std::string(check->name()), std::move(outcome)});
    }
    assessment.score = scorer_.weightedTotal(assessment.symbols);
    return assessment;
}

// Personal lists first, then the global lists, then the rules; otherwise the score.
Classification ContentPipeline::classify(const ContentAssessment& assessment,
                                         const Message& message, const std::string& recipient,
                                         const PersonalListsByRecipient& personal,
                                         const RuleEvaluation* rules,
                                         std::vector<Symbol>& symbols) const {
    if (auto own = personal.find(lowerCase(recipient)); own != personal.end()) {
        auto finding = judgeSender(own->second.white, own->second.black, message.envelope.sender);
        auto classification =
            listClassification(finding, "PERSONAL_WHITELIST", "PERSONAL_BLACKLIST", symbols);
        if (classification.kind != Classification::Kind::ByScore) {
            return classification;
        }
    }
    // The global lists: any whitelist entry (sender, client or this recipient) wins over
    // any blacklist entry.
    const ListFinding toFinding = lists_.forRecipient(recipient);
    for (bool white : {true, false}) {
        for (const auto* finding : {&assessment.global, &toFinding}) {
            if ((white ? finding->whitelisted : finding->blacklisted)) {
                bool to = finding == &toFinding;
                return listClassification(*finding, to ? "WHITELIST_TO" : "WHITELIST",
                                          to ? "BLACKLIST_TO" : "BLACKLIST", symbols);
            }
        }
    }
    if (rules == nullptr) {
        return {};
    }
    Classification byRule;
    for (const auto& match : rules->matchesFor(recipient)) {
        bool ham = match.classification == RuleClassification::Ham;
        symbols.push_back({ruleSymbolName(match.rule), 0.0,
                           (ham ? "ham rule \"" : "spam rule \"") + match.rule + "\""});
        if (ham && byRule.kind != Classification::Kind::Ham) {
            byRule = {Classification::Kind::Ham, std::nullopt, "rule " + match.rule,
                      ruleSymbolName(match.rule)};
        } else if (!ham && byRule.kind == Classification::Kind::ByScore) {
            byRule = {Classification::Kind::Spam, ruleSpamAction(match.action),
                      "rule " + match.rule, ruleSymbolName(match.rule)};
        }
    }
    return byRule;
}

ContentEvaluation ContentPipeline::decide(const Message& message,
                                          const ContentAssessment& assessment,
                                          const std::optional<Symbol>& awl,
                                          const PersonalListsByRecipient& personal) const {
    ContentEvaluation evaluation;
    evaluation.checks = assessment.checks;
    evaluation.policy_symbols = assessment.policy_symbols;
    std::optional<RuleEvaluation> rules;
    if (!rules_->empty()) {
        rules.emplace(*rules_, message);
    }
    std::optional<std::string> subject;
    if (const auto* header = message.firstHeader("Subject")) {
        subject = header->raw_value;
    }
    bool inbound = isInbound(message.envelope);
    std::vector<std::string> recipients = message.envelope.recipients;
    if (recipients.empty()) {
        recipients.emplace_back();  // a message with no envelope (scan): judged once
    }
    for (const auto& recipient : recipients) {
        std::vector<Symbol> symbols = assessment.symbols;
        if (awl) {
            symbols.push_back(*awl);
        }
        auto classification =
            classify(assessment, message, recipient, personal, rules ? &*rules : nullptr, symbols);
        evaluation.recipients.push_back(
            {recipient, scorer_.decide(std::move(symbols), assessment.reject, subject, inbound,
                                       classification)});
    }
    if (const Verdict* delivered = deliveredVerdict(evaluation.recipients)) {
        evaluation.verdict = *delivered;
    } else {
        // Nobody gets a copy: a reject if anyone's verdict is one, else the message goes.
        evaluation.verdict = evaluation.recipients.front().verdict;
        for (const auto& recipient : evaluation.recipients) {
            if (recipient.verdict.action == VerdictAction::Reject) {
                evaluation.verdict = recipient.verdict;
                break;
            }
        }
    }
    return evaluation;
}

ContentEvaluation ContentPipeline::evaluate(const Message& message,
                                            std::vector<Symbol> policySymbols) const {
    return decide(message, assess(message, std::move(policySymbols)), std::nullopt, {});
}

}  // namespace mailgate
