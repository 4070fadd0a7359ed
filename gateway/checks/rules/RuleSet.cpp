// Global rules compiled into one RE2::Set per item, and their evaluation (see RuleSet.hpp).
#include "gateway/checks/rules/RuleSet.hpp"

#include <re2/re2.h>
#include <re2/set.h>

#include <cctype>

#include "gateway/checks/rules/RuleValues.hpp"
#include "gateway/util/AsciiCase.hpp"

namespace mailgate {

struct RuleSet::Source {
    RuleItem item = RuleItem::Subject;
    std::string header;  // lower case, for RuleItem::Header
    std::unique_ptr<re2::RE2::Set> set;
    int patterns = 0;
};

namespace {

struct ConditionReference {
    RuleCondition condition = RuleCondition::Contains;
    int source = -1;   // -1 for Size
    int pattern = -1;  // -1 for exists / does_not_exist and Size
    std::uint64_t kilobytes = 0;
};

bool isNegative(RuleCondition condition) {
    return condition == RuleCondition::DoesNotContain || condition == RuleCondition::IsNotEqualTo;
}

}  // namespace

struct RuleSet::Compiled {
    RuleDefinition definition;
    std::vector<ConditionReference> conditions;
};

RuleSet::RuleSet(const std::vector<RuleFile>& files) {
    re2::RE2::Options options;
    options.set_log_errors(false);
    options.set_max_mem(std::int64_t{256} << 20);
    auto sourceFor = [&](const RuleConditionDefinition& condition) {
        std::string header = condition.item == RuleItem::Header ? lowerCase(condition.header) : "";
        for (std::size_t i = 0; i < sources_.size(); ++i) {
            if (sources_[i]->item == condition.item && sources_[i]->header == header) {
                return static_cast<int>(i);
            }
        }
        auto source = std::make_unique<Source>();
        source->item = condition.item;
        source->header = header;
        source->set = std::make_unique<re2::RE2::Set>(options, re2::RE2::UNANCHORED);
        sources_.push_back(std::move(source));
        return static_cast<int>(sources_.size() - 1);
    };
    for (const auto& file : files) {
        for (const auto& definition : file.rules) {
            auto rule = std::make_unique<Compiled>();
            rule->definition = definition;
            rule->definition.conditions.clear();
            for (const auto& condition : definition.conditions) {
                ConditionReference reference;
                reference.condition = condition.condition;
                if (condition.item == RuleItem::Size) {
                    reference.kilobytes = std::strtoull(condition.pattern.c_str(), nullptr, 10);
                    rule->conditions.push_back(reference);
                    continue;
                }
                reference.source = sourceFor(condition);
                if (condition.condition != RuleCondition::Exists &&
                    condition.condition != RuleCondition::DoesNotExist) {
                    auto& source = *sources_[static_cast<std::size_t>(reference.source)];
                    reference.pattern = source.set->Add(rulePatternText(condition), nullptr);
                    if (reference.pattern < 0) {
                        continue;  // the loader checked it; never here
                    }
                    ++source.patterns;
                }
                rule->conditions.push_back(reference);
            }
            rules_.push_back(std::move(rule));
        }
    }
    for (auto& source : sources_) {
        if (source->patterns > 0 && !source->set->Compile()) {
            source->patterns = 0;  // out of memory for this set: its conditions never match
        }
    }
}

RuleSet::~RuleSet() = default;

struct RuleEvaluation::SourceState {
    std::vector<bool> matched;  // by pattern index: some value of the item matches it
    bool present = false;       // the item has at least one value
};

// Which of the source's patterns some value matches, and whether there is a value.
std::unique_ptr<RuleEvaluation::SourceState> RuleEvaluation::matchValues(
    const RuleSet::Source& source, const std::vector<std::string>& values) {
    auto state = std::make_unique<SourceState>();
    state->matched.assign(static_cast<std::size_t>(source.patterns), false);
    state->present = !values.empty();
    std::vector<int> hits;
    for (const auto& value : values) {
        hits.clear();
        if (source.patterns > 0 && source.set->Match(value, &hits)) {
            for (int hit : hits) {
                state->matched[static_cast<std::size_t>(hit)] = true;
            }
        }
    }
    return state;
}

RuleEvaluation::RuleEvaluation(const RuleSet& rules, const Message& message)
    : rules_(rules), message_(message) {
    for (const auto& source : rules.sources_) {
        if (source->item == RuleItem::EnvelopeTo) {
            states_.push_back(nullptr);  // per recipient, in matchesFor
            continue;
        }
        states_.push_back(
            matchValues(*source, ruleItemValues(source->item, source->header, message)));
    }
}

RuleEvaluation::~RuleEvaluation() = default;

std::vector<RuleMatch> RuleEvaluation::matchesFor(std::string_view recipient) const {
    // Envelope-To: this recipient only (every recipient when none is named).
    std::vector<std::unique_ptr<SourceState>> recipientStates(rules_.sources_.size());
    for (std::size_t i = 0; i < rules_.sources_.size(); ++i) {
        const auto& source = *rules_.sources_[i];
        if (source.item != RuleItem::EnvelopeTo) {
            continue;
        }
        recipientStates[i] = matchValues(
            source, recipient.empty() ? message_.envelope.recipients
                                      : std::vector<std::string>{std::string(recipient)});
    }
    auto holds = [&](const ConditionReference& condition) {
        if (condition.source < 0) {
            return sizeConditionHolds(condition.condition, message_.size, condition.kilobytes);
        }
        auto index = static_cast<std::size_t>(condition.source);
        const SourceState& state = states_[index] ? *states_[index] : *recipientStates[index];
        if (condition.condition == RuleCondition::Exists) {
            return state.present;
        }
        if (condition.condition == RuleCondition::DoesNotExist) {
            return !state.present;
        }
        bool matched = condition.pattern >= 0 &&
                       static_cast<std::size_t>(condition.pattern) < state.matched.size() &&
                       state.matched[static_cast<std::size_t>(condition.pattern)];
        return isNegative(condition.condition) ? !matched : matched;
    };
    std::vector<RuleMatch> matches;
    for (const auto& rule : rules_.rules_) {
        bool all = true;
        bool any = false;
        for (const auto& condition : rule->conditions) {
            bool held = holds(condition);
            all = all && held;
            any = any || held;
        }
        bool matched = rule->definition.combination == RuleCombination::And ? all : any;
        if (matched && !rule->conditions.empty()) {
            matches.push_back(
                {rule->definition.name, rule->definition.classification, rule->definition.action});
        }
    }
    return matches;
}

}  // namespace mailgate
