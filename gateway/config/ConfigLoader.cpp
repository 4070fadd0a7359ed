// Reads the main config file into a Config snapshot (see ConfigLoader.hpp).
#include "gateway/config/ConfigLoader.hpp"

#include <toml++/toml.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>

#include "gateway/checks/phrases/PhraseFile.hpp"
#include "gateway/checks/rules/RuleFile.hpp"
#include "gateway/config/EntryChecks.hpp"
#include "gateway/config/SettingSpec.hpp"
#include "gateway/util/EditDistance.hpp"
#include "gateway/util/Result.hpp"

namespace mailgate {
namespace {

struct Position {
    int line = 0;
    int column = 0;
};

Position positionOf(const toml::source_region& region) {
    return {static_cast<int>(region.begin.line), static_cast<int>(region.begin.column)};
}

std::string suggestionFor(const std::string& key) {
    const SettingSpec* best = nullptr;
    std::size_t bestDistance = 4;
    for (const auto& spec : settingRegistry()) {
        auto distance = editDistance(key, spec.key);
        if (distance < bestDistance) {
            bestDistance = distance;
            best = &spec;
        }
    }
    return best ? " (did you mean \"" + best->key + "\"?)" : "";
}

std::string nodeTypeName(const toml::node& node) {
    switch (node.type()) {
        case toml::node_type::table:
            return "a table";
        case toml::node_type::array:
            return "an array";
        case toml::node_type::string:
            return "a string";
        case toml::node_type::integer:
            return "an integer";
        case toml::node_type::floating_point:
            return "a number";
        case toml::node_type::boolean:
            return "a boolean";
        default:
            return "a date or time";
    }
}

Result<SettingValue> convertValue(const toml::node& node, const SettingSpec& spec) {
    auto wrongType = [&]() {
        return makeError("expected " + settingTypeName(spec) + ", got " + nodeTypeName(node));
    };
    switch (spec.type) {
        case SettingType::Boolean:
            if (!node.is_boolean()) {
                return wrongType();
            }
            return SettingValue(node.as_boolean()->get());
        case SettingType::Integer: {
            if (!node.is_integer()) {
                return wrongType();
            }
            std::int64_t number = node.as_integer()->get();
            if (number < spec.minimum || number > spec.maximum) {
                return makeError("value " + formatSettingValue(number, spec.octal) +
                                 " is out of range " +
                                 formatSettingValue(spec.minimum, spec.octal) + ".." +
                                 formatSettingValue(spec.maximum, spec.octal));
            }
            return SettingValue(number);
        }
        case SettingType::Number: {
            if (!node.is_number()) {
                return wrongType();
            }
            double number = node.is_integer() ? static_cast<double>(node.as_integer()->get())
                                              : node.as_floating_point()->get();
            if (number < spec.number_minimum || number > spec.number_maximum) {
                std::ostringstream text;
                text << "value " << number << " is out of range " << spec.number_minimum << ".."
                     << spec.number_maximum;
                return makeError(text.str());
            }
            return SettingValue(number);
        }
        case SettingType::String:
            if (!node.is_string()) {
                return wrongType();
            }
            return SettingValue(std::string(node.as_string()->get()));
        case SettingType::Choice: {
            if (!node.is_string()) {
                return wrongType();
            }
            std::string text(node.as_string()->get());
            for (const auto& choice : spec.choices) {
                if (choice == text) {
                    return SettingValue(text);
                }
            }
            return makeError("\"" + text + "\" is not " + settingTypeName(spec));
        }
        case SettingType::StringList: {
            const auto* array = node.as_array();
            if (array == nullptr) {
                return wrongType();
            }
            std::vector<std::string> items;
            for (const auto& element : *array) {
                if (!element.is_string()) {
                    return makeError("expected a list of strings, found " + nodeTypeName(element) +
                                     " in it");
                }
                items.emplace_back(element.as_string()->get());
            }
            return SettingValue(std::move(items));
        }
    }
    return wrongType();
}

class Loading {
  public:
    Loading(const std::string& name, const std::filesystem::path& baseDirectory)
        : name_(name), base_(baseDirectory) {}

    ConfigLoadOutcome run(std::string_view text) {
        Config config = defaultConfig();
        toml::table document;
        try {
            document = toml::parse(text, name_);
        } catch (const toml::parse_error& error) {
            auto position = positionOf(error.source());
            report(position, "", std::string(error.description()));
            return finish(config);
        }
        for (auto&& [sectionKey, sectionNode] : document) {
            readSection(std::string(sectionKey.str()), positionOf(sectionKey.source()), sectionNode,
                        config);
        }
        checkAcrossSettings(config);
        loadEntryFiles(config);
        loadRules(config);
        loadPhrases(config);
        return finish(config);
    }

  private:
    void report(Position position, std::string key, std::string message) {
        problems_.push_back(
            {name_, position.line, position.column, std::move(key), std::move(message)});
    }

    void readSection(const std::string& section, Position position, const toml::node& node,
                     Config& config) {
        if (!isKnownSection(section)) {
            report(position, section, "unknown section" + suggestionFor(section + "."));
            return;
        }
        const auto* table = node.as_table();
        if (table == nullptr) {
            report(position, section, "must be a table, written [" + section + "]");
            return;
        }
        for (auto&& [key, value] : *table) {
            readSetting(section + "." + std::string(key.str()), positionOf(key.source()), value,
                        config);
        }
    }

    void readSetting(const std::string& written, Position position, const toml::node& node,
                     Config& config) {
        std::string key = written;
        if (const SettingAlias* alias = findAlias(written)) {
            deprecations_.push_back({name_, position.line, position.column, written,
                                     "renamed to " + alias->new_key +
                                         "; the old name still works, but write the new one"});
            key = alias->new_key;
        }
        if (positions_.count(key) != 0) {
            report(position, written, "set twice (" + key + " has another name for it)");
            return;
        }
        const SettingSpec* spec = findSetting(key);
        if (spec == nullptr) {
            report(position, key, "unknown key" + suggestionFor(key));
            return;
        }
        auto value = convertValue(node, *spec);
        if (!value) {
            report(position, key, value.error());
            return;
        }
        if (spec->validate) {
            if (auto problem = spec->validate(*value)) {
                report(position, key, *problem);
                return;
            }
        }
        spec->apply(config, *value);
        positions_[key] = position;
    }

    Position where(const std::string& key) const {
        auto found = positions_.find(key);
        return found == positions_.end() ? Position{} : found->second;
    }

    void checkAcrossSettings(const Config& config) {
        if (config.log.destination == LogDestination::File && config.log.file.empty()) {
            report(where("log.destination"), "log.file",
                   "is required when log.destination = \"file\"");
        }
        if (config.redis.reconnect_min_delay_ms > config.redis.reconnect_max_delay_ms) {
            report(where("redis.reconnect_min_delay_ms"), "redis.reconnect_min_delay_ms",
                   "must not be greater than redis.reconnect_max_delay_ms");
        }
        if (config.policyd.listen.empty()) {
            report(where("policyd.listen"), "policyd.listen", "needs at least one address");
        }
        if (config.scoring.quarantine_threshold > 0 &&
            config.scoring.quarantine_threshold < config.scoring.spam_threshold) {
            report(where("scoring.quarantine_threshold"), "scoring.quarantine_threshold",
                   "must not be below scoring.spam_threshold");
        }
        if (config.scoring.quarantine_threshold > 0 && config.scoring.reject_threshold > 0 &&
            config.scoring.quarantine_threshold > config.scoring.reject_threshold) {
            report(where("scoring.quarantine_threshold"), "scoring.quarantine_threshold",
                   "must not be above scoring.reject_threshold (0 turns either off)");
        }
        if (config.scoring.reject_threshold > 0 &&
            config.scoring.reject_threshold < config.scoring.spam_threshold) {
            report(where("scoring.reject_threshold"), "scoring.reject_threshold",
                   "must not be below scoring.spam_threshold");
        }
        if (config.bayes.autolearn_ham_below >= config.bayes.autolearn_spam_at_least) {
            report(where("bayes.autolearn_ham_below"), "bayes.autolearn_ham_below",
                   "must be below bayes.autolearn_spam_at_least");
        }
    }

    // Files of list entries that settings name: one entry per line ("#" starts a comment
    // to the end of the line), each checked like the setting's own entries and appended to
    // its list; a bad line is a problem at FILE:LINE.
    void loadEntryFiles(Config& config) {
        appendEntryFile(config.greylist.whitelist_clients_file, "greylist.whitelist_clients_file",
                        checkClientPatternEntry, config.greylist.whitelist_clients);
        appendEntryFile(config.greylist.whitelist_recipients_file,
                        "greylist.whitelist_recipients_file", checkRecipientPatternEntry,
                        config.greylist.whitelist_recipients);
        appendEntryFile(config.local_senders.addresses_file, "local_senders.addresses_file",
                        checkMailAddressEntry, config.local_senders.addresses);
    }

    void appendEntryFile(std::string& path, const std::string& key,
                         std::optional<std::string> (*check)(const std::string&),
                         std::vector<std::string>& entries) {
        if (path.empty()) {
            return;
        }
        std::filesystem::path file = path;
        if (file.is_relative()) {
            file = base_ / file;
        }
        path = file.lexically_normal().string();
        std::ifstream in(path);
        if (!in) {
            report(where(key), key, "cannot read " + path);
            return;
        }
        constexpr std::size_t kMaxEntries = 1000000;
        std::string line;
        int number = 0;
        while (std::getline(in, line)) {
            ++number;
            auto entry = entryOfLine(line);
            if (entry.empty()) {
                continue;
            }
            if (auto problem = check(entry)) {
                problems_.push_back({path, number, 1, "", *problem});
            } else if (entries.size() >= kMaxEntries) {
                problems_.push_back({path, number, 1, "", "more than 1000000 entries"});
                return;
            } else {
                entries.push_back(std::move(entry));
            }
        }
    }

    // The entry on one line of an entry file: blanks trimmed, "#" to the end dropped.
    static std::string entryOfLine(const std::string& line) {
        auto hash = line.find('#');
        std::string text = line.substr(0, hash);
        auto first = text.find_first_not_of(" \t\r");
        if (first == std::string::npos) {
            return {};
        }
        auto last = text.find_last_not_of(" \t\r");
        return text.substr(first, last - first + 1);
    }

    // A directory setting (rules.directory, phrases.directory) made absolute against the
    // config file's directory, and its files read by `load`; a problem about the directory
    // itself is reported at the setting when the postmaster wrote it.
    template <class Load>
    void loadDirectory(const std::string& key, std::string& setting, Load load) {
        std::filesystem::path directory = setting;
        if (directory.is_relative()) {
            directory = base_ / directory;
        }
        setting = directory.lexically_normal().string();
        bool explicitlySet = positions_.count(key) != 0;
        auto before = problems_.size();
        load(directory, explicitlySet);
        if (explicitlySet) {
            for (auto i = before; i < problems_.size(); ++i) {
                if (problems_[i].line == 0 && problems_[i].file == directory.string()) {
                    problems_[i].file = name_;
                    problems_[i].line = where(key).line;
                    problems_[i].column = where(key).column;
                    problems_[i].key = key;
                }
            }
        }
    }

    void loadRules(Config& config) {
        loadDirectory("rules.directory", config.rules.directory,
                      [&](const std::filesystem::path& directory, bool required) {
                          config.rule_files = loadRuleFiles(directory, required, problems_);
                      });
    }

    void loadPhrases(Config& config) {
        loadDirectory("phrases.directory", config.phrases.directory,
                      [&](const std::filesystem::path& directory, bool required) {
                          config.phrase_files = loadPhraseFiles(directory, required, problems_);
                      });
    }

    ConfigLoadOutcome finish(Config& config) {
        ConfigLoadOutcome outcome;
        outcome.problems = std::move(problems_);
        if (outcome.problems.empty()) {
            config.source_file = name_;
            config.deprecations = std::move(deprecations_);
            for (const auto& [key, position] : positions_) {
                config.setting_positions[key] = {position.line, position.column};
            }
            outcome.config = std::make_shared<const Config>(std::move(config));
        }
        return outcome;
    }

    std::string name_;
    std::filesystem::path base_;
    std::vector<ConfigProblem> problems_;
    std::vector<ConfigProblem> deprecations_;
    std::map<std::string, Position> positions_;
};

}  // namespace

std::string ConfigProblem::describe() const {
    std::string text = file;
    if (line > 0) {
        text += ":" + std::to_string(line);
        if (column > 0) {
            text += ":" + std::to_string(column);
        }
    }
    text += ": ";
    if (!key.empty()) {
        text += key + ": ";
    }
    return text + message;
}

std::string describeProblems(const std::vector<ConfigProblem>& problems) {
    std::string text;
    for (const auto& problem : problems) {
        text += problem.describe() + "\n";
    }
    return text;
}

ConfigLoadOutcome ConfigLoader::loadFile(const std::filesystem::path& path) {
    std::ifstream input(path, std::ios::binary);
    if (!input) {
        ConfigLoadOutcome outcome;
        outcome.problems.push_back({path.string(), 0, 0, "",
                                    std::string("cannot read the file: ") + std::strerror(errno)});
        return outcome;
    }
    std::ostringstream text;
    text << input.rdbuf();
    auto base = std::filesystem::absolute(path).parent_path();
    return loadText(text.str(), path.string(), base);
}

ConfigLoadOutcome ConfigLoader::loadText(std::string_view text, const std::string& name,
                                         const std::filesystem::path& baseDirectory) {
    return Loading(name, baseDirectory).run(text);
}

}  // namespace mailgate
