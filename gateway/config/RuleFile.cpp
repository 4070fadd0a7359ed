// Reading of rule files from the rules directory (see RuleFile.hpp).
#include "gateway/config/RuleFile.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

namespace mailgate {
namespace {

int lineOf(const toml::source_region& region) {
    return static_cast<int>(region.begin.line);
}
int columnOf(const toml::source_region& region) {
    return static_cast<int>(region.begin.column);
}

class RuleFileReader {
  public:
    RuleFileReader(const std::filesystem::path& path, std::set<std::string>& seenNames,
                   std::vector<ConfigProblem>& problems)
        : path_(path), seenNames_(seenNames), problems_(problems) {}

    RuleFile read() {
        RuleFile file;
        file.path = path_;
        std::ifstream input(path_, std::ios::binary);
        std::ostringstream text;
        text << input.rdbuf();
        toml::table document;
        try {
            document = toml::parse(text.str(), path_.string());
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

    void readRule(const toml::table& table, RuleFile& file) {
        RuleDefinition rule;
        rule.line = lineOf(table.source());
        for (auto&& [key, value] : table) {
            std::string name(key.str());
            if ((name == "name" || name == "comment") && !value.is_string()) {
                report(lineOf(key.source()), columnOf(key.source()), "rule." + name,
                       "expected a string");
            } else if (name == "name") {
                rule.name = std::string(value.as_string()->get());
            } else if (name == "comment") {
                rule.comment = std::string(value.as_string()->get());
            } else {
                report(lineOf(key.source()), columnOf(key.source()), "rule." + name,
                       "unknown key in a rule");
            }
        }
        if (rule.name.empty()) {
            report(rule.line, 0, "rule.name", "every rule needs a non-empty name");
            return;
        }
        if (!seenNames_.insert(rule.name).second) {
            report(rule.line, 0, "rule.name",
                   "rule \"" + rule.name + "\" is defined more than once");
            return;
        }
        file.rules.push_back(std::move(rule));
    }

    std::filesystem::path path_;
    std::set<std::string>& seenNames_;
    std::vector<ConfigProblem>& problems_;
};

}  // namespace

std::vector<RuleFile> loadRuleFiles(const std::filesystem::path& directory, bool required,
                                    std::vector<ConfigProblem>& problems) {
    std::vector<RuleFile> files;
    std::error_code error;
    if (!std::filesystem::is_directory(directory, error)) {
        if (required) {
            problems.push_back({directory.string(), 0, 0, "",
                                "rules directory " + directory.string() + " does not exist"});
        }
        return files;
    }
    std::vector<std::filesystem::path> paths;
    for (const auto& entry : std::filesystem::directory_iterator(directory, error)) {
        if (entry.is_regular_file() && entry.path().extension() == ".toml") {
            paths.push_back(entry.path());
        }
    }
    std::sort(paths.begin(), paths.end());
    std::set<std::string> seenNames;
    for (const auto& path : paths) {
        files.push_back(RuleFileReader(path, seenNames, problems).read());
    }
    return files;
}

}  // namespace mailgate
