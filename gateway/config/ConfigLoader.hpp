// ConfigLoader: reads the main TOML config file (and the rule files it points to) into an
// immutable Config snapshot, checking every key against the setting registry. It reports
// every unknown key, wrong type and out-of-range value with file, line and key. It does
// not decide when to reload: the daemons' signal handling does, through ConfigHolder.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/config/Config.hpp"
#include "gateway/config/ConfigProblem.hpp"

namespace mailgate {

struct ConfigLoadOutcome {
    ConfigSnapshot config;  // null when there are problems
    std::vector<ConfigProblem> problems;

    bool ok() const { return problems.empty() && config != nullptr; }
};

class ConfigLoader {
  public:
    static ConfigLoadOutcome loadFile(const std::filesystem::path& path);
    // For tests and tools: `name` stands for the file in problem positions, and relative
    // paths (rules.directory) resolve against `baseDirectory`.
    static ConfigLoadOutcome loadText(std::string_view text, const std::string& name,
                                      const std::filesystem::path& baseDirectory);
};

}  // namespace mailgate
