// RuleFile: one file of administrator rules (C3, docs/features.md) from the rules directory, read
// into the config snapshot with the rest of the config, so rules reload on SIGHUP with it.
// A rule is a name, a comment, a combination (and / or), a classification (spam / ham), an
// action for spam, and conditions (an item, a condition, a pattern). This file reads and
// validates them, every problem at FILE:LINE (an unknown item, a condition the item does
// not take, a regular expression RE2 refuses); the rule engine (gateway/checks/rules/) compiles
// and evaluates them.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/config/ConfigProblem.hpp"

namespace mailgate {

enum class RuleItem {
    Received,
    EnvelopeTo,
    From,
    To,
    Cc,
    Bcc,
    Subject,
    Sender,
    ReplyTo,
    ErrorsTo,
    MessageId,
    Date,
    Header,
    Body,
    AttachFileName,
    Size,
    MailFrom
};

enum class RuleCondition {
    Contains,
    DoesNotContain,
    IsEqualTo,
    IsNotEqualTo,
    StartsWith,
    EndsWith,
    Exists,
    DoesNotExist,
    MoreThan,
    LessThan  // the last two for Size only
};

enum class RuleCombination { And, Or };
enum class RuleClassification { Spam, Ham };
enum class RuleAction { SameAsSpamSetting, Quarantine, Delete, Deliver };

struct RuleConditionDefinition {
    RuleItem item = RuleItem::Subject;
    std::string header;  // the field name, for RuleItem::Header
    RuleCondition condition = RuleCondition::Contains;
    std::string pattern;
    bool regex = false;
    bool case_sensitive = false;
    int line = 0;
};

struct RuleDefinition {
    std::string name;
    std::string comment;
    RuleCombination combination = RuleCombination::And;
    RuleClassification classification = RuleClassification::Spam;
    RuleAction action = RuleAction::SameAsSpamSetting;
    std::vector<RuleConditionDefinition> conditions;
    int line = 0;
};

struct RuleFile {
    std::filesystem::path path;
    std::vector<RuleDefinition> rules;
};

// Reads every *.toml file of `directory` in name order. A missing directory is a problem
// only when `required`; each file's problems are appended to `problems`.
std::vector<RuleFile> loadRuleFiles(const std::filesystem::path& directory, bool required,
                                    std::vector<ConfigProblem>& problems);

// One rule file's text, as if read from `name` (the fuzzer's and the tests' way in).
RuleFile readRuleFileText(std::string_view text, const std::filesystem::path& name,
                          std::vector<ConfigProblem>& problems);

// Names as written in rule files ("attach_file_name", "does_not_contain", ...) and back.
std::optional<RuleItem> ruleItemNamed(std::string_view name);
std::optional<RuleCondition> ruleConditionNamed(std::string_view name);
std::string_view ruleItemName(RuleItem item);
std::string_view ruleConditionName(RuleCondition condition);
// "RULE_" and the rule's name in upper case with anything but letters and digits as "_",
// at most 64 characters; the loader refuses two rules with the same symbol.
std::string ruleSymbolName(std::string_view ruleName);
// Whether the condition applies to the item (Size takes the comparisons, text items the
// text conditions and exists / does_not_exist).
bool conditionFitsItem(RuleItem item, RuleCondition condition);

}  // namespace mailgate
