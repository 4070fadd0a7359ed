// The global rules in the content stage (see RulesCheck.hpp).
#include "gateway/checks/rules/RulesCheck.hpp"

#include <optional>

#include "gateway/engine/ContentTransaction.hpp"

namespace mailgate {
namespace {

std::optional<SpamAction> ruleSpamAction(RuleAction action) {
    switch (action) {
        case RuleAction::Delete:
            return SpamAction::Delete;
        case RuleAction::Deliver:
            return SpamAction::Tag;
        case RuleAction::Quarantine:
            return SpamAction::Quarantine;
        case RuleAction::SameAsSpamSetting:
            return std::nullopt;
    }
    return std::nullopt;
}

}  // namespace

void RulesCheck::run(ContentTransaction& transaction) const {
    if (rules_->empty() || transaction.allClassified()) {
        return;
    }
    RuleEvaluation evaluation(*rules_, transaction.message());
    for (std::size_t i = 0; i < transaction.recipientCount(); ++i) {
        if (transaction.classified(i)) {
            continue;
        }
        Classification byRule;
        for (const auto& match : evaluation.matchesFor(transaction.recipient(i))) {
            bool ham = match.classification == RuleClassification::Ham;
            std::string symbol = ruleSymbolName(match.rule);
            transaction.addRecipientSymbol(
                i, name(),
                {symbol, 0.0, (ham ? "ham rule \"" : "spam rule \"") + match.rule + "\""});
            if (ham && byRule.kind != Classification::Kind::Ham) {
                byRule = {Classification::Kind::Ham, std::nullopt, "rule " + match.rule, symbol};
            } else if (!ham && byRule.kind == Classification::Kind::ByScore) {
                byRule = {Classification::Kind::Spam, ruleSpamAction(match.action),
                          "rule " + match.rule, symbol};
            }
        }
        transaction.classify(i, byRule);
    }
}

namespace {

std::vector<std::string> rulesSymbols(const Config& config) {
    std::vector<std::string> symbols;
    for (const auto& file : config.rule_files) {
        for (const auto& rule : file.rules) {
            symbols.push_back(ruleSymbolName(rule.name));
        }
    }
    return symbols;
}

std::unique_ptr<ContentCheck> makeRulesCheck(const Config& config, const Services&) {
    return std::make_unique<RulesCheck>(config.rule_files);
}

}  // namespace

CheckDescriptor rulesCheckDescriptor() {
    CheckDescriptor descriptor;
    descriptor.name = "rules";
    descriptor.stage = CheckStage::Content;
    descriptor.phase = CheckPhase::Filter;
    descriptor.config_section = "rules";
    descriptor.symbols = rulesSymbols;
    descriptor.make_content_check = makeRulesCheck;
    return descriptor;
}

}  // namespace mailgate
