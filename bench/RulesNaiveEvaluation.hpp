// RulesNaiveEvaluation: the peer that mailgate_rules_bench (bench/RulesBench.cpp) measures
// the rule engine against: the same rules evaluated the way one writes them without
// gateway/checks/rules/. Every condition is its own RE2 (the pattern text the engine builds:
// literal quoted, (?i) unless case_sensitive, anchored for equals, starts with, ends
// with); rules are evaluated one by one, condition by condition, each condition scanning
// its item's values with RE2::PartialMatch (one pass over the body per body condition).
// An item's values are read from the message once per message and shared by its
// conditions, with the engine's own gateway/checks/rules/RuleValues (and its pattern text), so
// what differs from the engine is the scanning, not the address or MIME work. A measuring stick for
// the benchmark: nothing in mailgate uses it.
#pragma once

#include <re2/re2.h>

#include <cctype>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gateway/checks/rules/RuleFile.hpp"
#include "gateway/checks/rules/RuleValues.hpp"
#include "gateway/message/Message.hpp"
#include "gateway/util/AsciiCase.hpp"

namespace mailgate::bench {

// One item (and header name) whose values conditions read.
struct NaiveRuleSource {
    RuleItem item = RuleItem::Subject;
    std::string header;  // lower case, for RuleItem::Header
};

struct NaiveRuleCondition {
    RuleCondition condition = RuleCondition::Contains;
    int source = -1;                    // -1 for Size
    std::unique_ptr<re2::RE2> pattern;  // none for exists / does_not_exist and Size
    std::uint64_t kilobytes = 0;
};

struct NaiveRule {
    std::string name;
    RuleCombination combination = RuleCombination::And;
    std::vector<NaiveRuleCondition> conditions;
};

class NaiveRules {
  public:
    explicit NaiveRules(const std::vector<RuleFile>& files) {
        re2::RE2::Options options;
        options.set_log_errors(false);
        for (const auto& file : files) {
            for (const auto& definition : file.rules) {
                NaiveRule rule{definition.name, definition.combination, {}};
                for (const auto& condition : definition.conditions) {
                    rule.conditions.push_back(compile(condition, options));
                }
                rules_.push_back(std::move(rule));
            }
        }
    }

    std::size_t size() const { return rules_.size(); }
    std::size_t patterns() const { return patterns_; }
    const std::vector<NaiveRule>& rules() const { return rules_; }

    // The indexes of the rules that match the message, in file order.
    std::vector<std::size_t> matches(const Message& message) const {
        std::vector<std::optional<std::vector<std::string>>> values(sources_.size());
        std::vector<std::size_t> matched;
        for (std::size_t index = 0; index < rules_.size(); ++index) {
            const NaiveRule& rule = rules_[index];
            bool all = rule.combination == RuleCombination::And;
            bool result = all;
            for (const auto& condition : rule.conditions) {
                bool held = holds(condition, message, values);
                if (all != held) {  // "and" met a false one, "or" a true one: decided
                    result = held;
                    break;
                }
            }
            if (result && !rule.conditions.empty()) {
                matched.push_back(index);
            }
        }
        return matched;
    }

  private:
    NaiveRuleCondition compile(const RuleConditionDefinition& definition,
                               const re2::RE2::Options& options) {
        NaiveRuleCondition condition;
        condition.condition = definition.condition;
        if (definition.item == RuleItem::Size) {
            condition.kilobytes = std::strtoull(definition.pattern.c_str(), nullptr, 10);
            return condition;
        }
        condition.source = sourceFor(definition);
        if (definition.condition != RuleCondition::Exists &&
            definition.condition != RuleCondition::DoesNotExist) {
            condition.pattern = std::make_unique<re2::RE2>(rulePatternText(definition), options);
            ++patterns_;
        }
        return condition;
    }

    int sourceFor(const RuleConditionDefinition& condition) {
        std::string header = condition.item == RuleItem::Header ? lowerCase(condition.header) : "";
        for (std::size_t i = 0; i < sources_.size(); ++i) {
            if (sources_[i].item == condition.item && sources_[i].header == header) {
                return static_cast<int>(i);
            }
        }
        sources_.push_back({condition.item, header});
        return static_cast<int>(sources_.size() - 1);
    }

    bool holds(const NaiveRuleCondition& condition, const Message& message,
               std::vector<std::optional<std::vector<std::string>>>& values) const {
        if (condition.source < 0) {
            return sizeConditionHolds(condition.condition, message.size, condition.kilobytes);
        }
        auto& itemValues = values[static_cast<std::size_t>(condition.source)];
        if (!itemValues) {
            const auto& source = sources_[static_cast<std::size_t>(condition.source)];
            itemValues = ruleItemValues(source.item, source.header, message);
        }
        if (condition.condition == RuleCondition::Exists) {
            return !itemValues->empty();
        }
        if (condition.condition == RuleCondition::DoesNotExist) {
            return itemValues->empty();
        }
        bool matched = false;
        if (condition.pattern && condition.pattern->ok()) {
            for (const auto& value : *itemValues) {
                if (re2::RE2::PartialMatch(value, *condition.pattern)) {
                    matched = true;
                    break;
                }
            }
        }
        bool negative = condition.condition == RuleCondition::DoesNotContain ||
                        condition.condition == RuleCondition::IsNotEqualTo;
        return negative ? !matched : matched;
    }

    std::vector<NaiveRuleSource> sources_;
    std::vector<NaiveRule> rules_;
    std::size_t patterns_ = 0;
};

}  // namespace mailgate::bench
