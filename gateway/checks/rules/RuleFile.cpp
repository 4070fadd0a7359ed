// Reading of rule files from the rules directory (see RuleFile.hpp).
#include "gateway/checks/rules/RuleFile.hpp"

#include <re2/re2.h>
#include <toml++/toml.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "gateway/config/ConfigDirectory.hpp"
#include "gateway/config/TomlPosition.hpp"

namespace mailgate {
namespace {

struct ItemName {
    std::string_view name;
    RuleItem item;
};

constexpr ItemName kItems[] = {
    {"received", RuleItem::Received},
    {"envelope_to", RuleItem::EnvelopeTo},
    {"from", RuleItem::From},
    {"to", RuleItem::To},
    {"cc", RuleItem::Cc},
    {"bcc", RuleItem::Bcc},
    {"subject", RuleItem::Subject},
    {"sender", RuleItem::Sender},
    {"reply_to", RuleItem::ReplyTo},
    {"errors_to", RuleItem::ErrorsTo},
    {"message_id", RuleItem::MessageId},
    {"date", RuleItem::Date},
    {"header", RuleItem::Header},
    {"body", RuleItem::Body},
    {"attach_file_name", RuleItem::AttachFileName},
    {"size", RuleItem::Size},
    {"mail_from", RuleItem::MailFrom},
};

struct ConditionName {
    std::string_view name;
    RuleCondition condition;
};

constexpr ConditionName kConditions[] = {
    {"contains", RuleCondition::Contains},      {"does_not_contain", RuleCondition::DoesNotContain},
    {"is_equal_to", RuleCondition::IsEqualTo},  {"is_not_equal_to", RuleCondition::IsNotEqualTo},
    {"starts_with", RuleCondition::StartsWith}, {"ends_with", RuleCondition::EndsWith},
    {"exists", RuleCondition::Exists},          {"does_not_exist", RuleCondition::DoesNotExist},
    {"more_than", RuleCondition::MoreThan},     {"less_than", RuleCondition::LessThan},
};

// "Does not contain", "does-not-contain" and "does_not_contain" are one name.
std::string normalName(std::string_view text) {
    std::string out;
    for (char c : text) {
        out += (c == ' ' || c == '-')
                   ? '_'
                   : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    // The manual's own spellings: "mailcommand-From", "Size (KB)", "Does Not Exists".
    if (out == "mailcommand_from") {
        return "mail_from";
    }
    if (out == "size_(kb)") {
        return "size";
    }
    if (out == "does_not_exists" || out == "not_exists") {
        return "does_not_exist";
    }
    return out == "equal" ? "is_equal_to" : out == "not_equal" ? "is_not_equal_to" : out;
}

class RuleFileReader {
  public:
    RuleFileReader(const std::filesystem::path& path, std::set<std::string>& seenNames,
                   std::map<std::string, std::string>& seenSymbols,
                   std::vector<ConfigProblem>& problems)
        : path_(path), seenNames_(seenNames), seenSymbols_(seenSymbols), problems_(problems) {}

    RuleFile read() {
        std::ifstream input(path_, std::ios::binary);
        std::ostringstream text;
        text << input.rdbuf();
        return readText(text.str());
    }

    RuleFile readText(std::string_view text) {
        RuleFile file;
        file.path = path_;
        toml::table document;
        try {
            document = toml::parse(text, path_.string());
        } catch (const toml::parse_error& error) {
            report(lineOf(error.source()), columnOf(error.source()), "",
                   std::string(error.description()));
            return file;
        }
        for (auto&& [key, node] : document) {
            if (key.str() != "rule") {
                report(lineOf(key.source()), columnOf(key.source()), std::string(key.str()),
                       "unknown key in a rule file (rules are written as [[rule]] tables)");
                continue;
            }
            const auto* rules = node.as_array();
            if (rules == nullptr || !rules->is_array_of_tables()) {
                report(lineOf(key.source()), columnOf(key.source()), "rule",
                       "must be written as [[rule]] tables");
                continue;
            }
            for (const auto& rule : *rules) {
                readRule(*rule.as_table(), file);
            }
        }
        return file;
    }

  private:
    void report(int line, int column, std::string key, std::string message) {
        problems_.push_back({path_.string(), line, column, std::move(key), std::move(message)});
    }

    // The string value of `key`, or nothing (with a problem) when it is not a string.
    std::optional<std::string> text(const toml::key& key, const toml::node& value,
                                    const std::string& where) {
        if (!value.is_string()) {
            report(lineOf(key.source()), columnOf(key.source()), where, "expected a string");
            return std::nullopt;
        }
        return std::string(value.as_string()->get());
    }

    template <class Enum>
    void choice(const toml::key& key, const toml::node& value, const std::string& where,
                std::initializer_list<std::pair<std::string_view, Enum>> names, Enum& field) {
        auto given = text(key, value, where);
        if (!given) {
            return;
        }
        for (const auto& [name, meaning] : names) {
            if (normalName(*given) == name) {
                field = meaning;
                return;
            }
        }
        std::string list;
        for (const auto& entry : names) {
            list += (list.empty() ? "" : ", ") + std::string(entry.first);
        }
        report(lineOf(key.source()), columnOf(key.source()), where,
               "\"" + *given + "\" is not one of " + list);
    }

    void readRule(const toml::table& table, RuleFile& file) {
        RuleDefinition rule;
        rule.line = lineOf(table.source());
        bool conditionRefused = false;
        for (auto&& [key, value] : table) {
            std::string name(key.str());
            if (name == "name" || name == "comment") {
                if (auto given = text(key, value, "rule." + name)) {
                    (name == "name" ? rule.name : rule.comment) = *given;
                }
            } else if (name == "combination") {
                choice(key, value, "rule.combination",
                       {{"and", RuleCombination::And}, {"or", RuleCombination::Or}},
                       rule.combination);
            } else if (name == "classification") {
                choice(key, value, "rule.classification",
                       {{"spam", RuleClassification::Spam}, {"ham", RuleClassification::Ham}},
                       rule.classification);
            } else if (name == "action") {
                readAction(key, value, rule);
            } else if (name == "condition") {
                std::size_t before = problems_.size();
                readConditions(key, value, rule);
                conditionRefused = problems_.size() > before;
            } else {
                report(lineOf(key.source()), columnOf(key.source()), "rule." + name,
                       "unknown key in a rule");
            }
        }
        finishRule(std::move(rule), file, conditionRefused);
    }

    void readAction(const toml::key& key, const toml::node& value, RuleDefinition& rule) {
        choice(key, value, "rule.action",
               {{"same_as_spam_setting", RuleAction::SameAsSpamSetting},
                {"quarantine", RuleAction::Quarantine},
                {"delete", RuleAction::Delete},
                {"deliver", RuleAction::Deliver}},
               rule.action);
    }

    void readConditions(const toml::key& key, const toml::node& value, RuleDefinition& rule) {
        const auto* list = value.as_array();
        if (list == nullptr || !list->is_array_of_tables()) {
            report(lineOf(key.source()), columnOf(key.source()), "rule.condition",
                   "must be written as [[rule.condition]] tables");
            return;
        }
        for (const auto& entry : *list) {
            readCondition(*entry.as_table(), rule);
        }
    }

    void readCondition(const toml::table& table, RuleDefinition& rule) {
        RuleConditionDefinition condition;
        condition.line = lineOf(table.source());
        bool hasItem = false;
        bool hasCondition = false;
        for (auto&& [key, value] : table) {
            std::string name(key.str());
            std::string where = "rule.condition." + name;
            if (name == "regex" || name == "case_sensitive") {
                if (!value.is_boolean()) {
                    report(lineOf(key.source()), columnOf(key.source()), where,
                           "expected true or false");
                    continue;
                }
                (name == "regex" ? condition.regex : condition.case_sensitive) =
                    value.as_boolean()->get();
            } else if (name == "item" || name == "condition" || name == "pattern" ||
                       name == "header") {
                auto given = text(key, value, where);
                if (!given) {
                    continue;
                }
                if (name == "item") {
                    hasItem = readItem(key, *given, condition);
                } else if (name == "condition") {
                    hasCondition = readConditionName(key, *given, condition);
                } else {
                    (name == "pattern" ? condition.pattern : condition.header) = *given;
                }
            } else {
                report(lineOf(key.source()), columnOf(key.source()), where,
                       "unknown key in a condition");
            }
        }
        if (hasItem && hasCondition && validate(condition)) {
            rule.conditions.push_back(std::move(condition));
        } else if (!hasItem || !hasCondition) {
            report(condition.line, 0, "rule.condition",
                   std::string("a condition needs ") + (hasItem ? "a condition" : "an item"));
        }
    }

    bool readItem(const toml::key& key, const std::string& given,
                  RuleConditionDefinition& condition) {
        if (auto item = ruleItemNamed(given)) {
            condition.item = *item;
            return true;
        }
        report(lineOf(key.source()), columnOf(key.source()), "rule.condition.item",
               "unknown item \"" + given + "\"");
        return false;
    }

    bool readConditionName(const toml::key& key, const std::string& given,
                           RuleConditionDefinition& condition) {
        if (auto kind = ruleConditionNamed(given)) {
            condition.condition = *kind;
            return true;
        }
        report(lineOf(key.source()), columnOf(key.source()), "rule.condition.condition",
               "unknown condition \"" + given + "\"");
        return false;
    }

    bool validate(const RuleConditionDefinition& condition) {
        auto problem = [&](std::string message) {
            report(condition.line, 0, "rule.condition", std::move(message));
            return false;
        };
        if (!conditionFitsItem(condition.item, condition.condition)) {
            return problem("condition " + std::string(ruleConditionName(condition.condition)) +
                           " is not valid for item " + std::string(ruleItemName(condition.item)));
        }
        if (condition.item == RuleItem::Header && condition.header.empty()) {
            return problem("item header needs header = \"Field-Name\"");
        }
        for (char c : condition.header) {
            auto byte = static_cast<unsigned char>(c);
            if (byte <= 32 || byte >= 127 || c == ':') {
                return problem("header \"" + condition.header.substr(0, 80) +
                               "\" is not a field name (printable characters, no ':' or space)");
            }
        }
        bool needsPattern = condition.condition != RuleCondition::Exists &&
                            condition.condition != RuleCondition::DoesNotExist;
        if (needsPattern && condition.pattern.empty()) {
            return problem("condition " + std::string(ruleConditionName(condition.condition)) +
                           " needs a pattern");
        }
        if (condition.item == RuleItem::Size) {
            auto digits = condition.pattern.find_first_not_of("0123456789");
            if (digits != std::string::npos || condition.pattern.size() > 12) {
                return problem("a size is a whole number of KB, not \"" +
                               condition.pattern.substr(0, 40) + "\"");
            }
        } else if (condition.regex) {
            RE2::Options options;
            options.set_log_errors(false);
            RE2 compiled(condition.pattern, options);
            if (!compiled.ok()) {
                return problem("invalid regular expression: " + compiled.error());
            }
        }
        return true;
    }

    // `refused`: a condition of the rule was refused, so "no condition" would be no news.
    void finishRule(RuleDefinition rule, RuleFile& file, bool refused) {
        if (rule.name.empty()) {
            report(rule.line, 0, "rule.name", "every rule needs a non-empty name");
            return;
        }
        if (!seenNames_.insert(rule.name).second) {
            report(rule.line, 0, "rule.name",
                   "rule \"" + rule.name + "\" is defined more than once");
            return;
        }
        auto [other, fresh] = seenSymbols_.emplace(ruleSymbolName(rule.name), rule.name);
        if (!fresh) {
            report(rule.line, 0, "rule.name",
                   "rules \"" + other->second + "\" and \"" + rule.name +
                       "\" would both be symbol " + other->first + ": rename one");
            return;
        }
        if (rule.conditions.empty() && refused) {
            return;
        }
        if (rule.conditions.empty()) {
            report(rule.line, 0, "rule.condition",
                   "rule \"" + rule.name + "\" has no condition ([[rule.condition]])");
            return;
        }
        file.rules.push_back(std::move(rule));
    }

    std::filesystem::path path_;
    std::set<std::string>& seenNames_;
    std::map<std::string, std::string>& seenSymbols_;  // symbol -> the rule that has it
    std::vector<ConfigProblem>& problems_;
};

}  // namespace

std::optional<RuleItem> ruleItemNamed(std::string_view name) {
    std::string normal = normalName(name);
    for (const auto& entry : kItems) {
        if (entry.name == normal) {
            return entry.item;
        }
    }
    return std::nullopt;
}

std::optional<RuleCondition> ruleConditionNamed(std::string_view name) {
    std::string normal = normalName(name);
    for (const auto& entry : kConditions) {
        if (entry.name == normal) {
            return entry.condition;
        }
    }
    return std::nullopt;
}

std::string_view ruleItemName(RuleItem item) {
    for (const auto& entry : kItems) {
        if (entry.item == item) {
            return entry.name;
        }
    }
    return "subject";
}

std::string_view ruleConditionName(RuleCondition condition) {
    for (const auto& entry : kConditions) {
        if (entry.condition == condition) {
            return entry.name;
        }
    }
    return "contains";
}

std::string ruleSymbolName(std::string_view ruleName) {
    std::string symbol = "RULE_";
    for (char c : ruleName) {
        auto byte = static_cast<unsigned char>(c);
        symbol += std::isalnum(byte) && byte < 0x80 ? static_cast<char>(std::toupper(byte)) : '_';
    }
    return symbol.substr(0, 64);
}

bool conditionFitsItem(RuleItem item, RuleCondition condition) {
    bool comparison = condition == RuleCondition::MoreThan || condition == RuleCondition::LessThan;
    if (item == RuleItem::Size) {
        return comparison || condition == RuleCondition::IsEqualTo ||
               condition == RuleCondition::IsNotEqualTo;
    }
    return !comparison;
}

RuleFile readRuleFileText(std::string_view text, const std::filesystem::path& name,
                          std::vector<ConfigProblem>& problems) {
    std::set<std::string> seenNames;
    std::map<std::string, std::string> seenSymbols;
    return RuleFileReader(name, seenNames, seenSymbols, problems).readText(text);
}

std::vector<RuleFile> loadRuleFiles(const std::filesystem::path& directory, bool required,
                                    std::vector<ConfigProblem>& problems) {
    std::vector<RuleFile> files;
    std::set<std::string> seenNames;
    std::map<std::string, std::string> seenSymbols;
    for (const auto& path : tomlFilesIn(directory, required, "rules directory", problems)) {
        std::size_t first = problems.size();
        files.push_back(RuleFileReader(path, seenNames, seenSymbols, problems).read());
        sortProblemsByLine(problems, first);
    }
    return files;
}

}  // namespace mailgate
