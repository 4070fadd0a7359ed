// RuleFile: one file of administrator rules from the rules directory, read into the
// config snapshot with the rest of the config (so rules reload on SIGHUP with it).
// This file knows the envelope of a rule (its name, comment and position); the rule's
// items, conditions and actions are the rule engine's business, not this loader's.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "gateway/config/ConfigProblem.hpp"

namespace mailgate {

struct RuleDefinition {
    std::string name;
    std::string comment;
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

}  // namespace mailgate
