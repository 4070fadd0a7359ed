// RulesCheck (C3, docs/features.md): the administrator's global rules as a content filter.
// The rule set (one RE2::Set per item, gateway/checks/rules/RuleSet) is compiled once
// per config snapshot and evaluated once per message; then each recipient that no list
// has classified gets the symbols of the rules that match for it (RULE_<NAME>, score 0
// unless a weight gives one) and the classification they decide: a ham rule wins over
// spam rules, and the first spam rule's action replaces scoring.spam_action.
#pragma once

#include <memory>

#include "gateway/checks/rules/RuleSet.hpp"
#include "gateway/engine/CheckRegistry.hpp"
#include "gateway/engine/ContentCheck.hpp"

namespace mailgate {

class RulesCheck final : public ContentCheck {
  public:
    explicit RulesCheck(const std::vector<RuleFile>& files)
        : rules_(std::make_unique<RuleSet>(files)) {}

    std::string_view name() const override { return "rules"; }
    void run(ContentTransaction& transaction) const override;

  private:
    std::unique_ptr<RuleSet> rules_;
};

CheckDescriptor rulesCheckDescriptor();

}  // namespace mailgate
