// SettingSpec: the declaration of one setting (key, type, default, limits, documentation)
// and the registry that holds every setting mailgate has. The registry is the single
// place a setting is declared; ConfigLoader validates against it, `mailgatectl
// config-reference` documents from it. It does not read files.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "gateway/config/Config.hpp"

namespace mailgate {

enum class SettingType { Boolean, Integer, Number, String, StringList, Choice };

using SettingValue =
    std::variant<bool, std::int64_t, double, std::string, std::vector<std::string>>;

struct SettingSpec {
    std::string key;  // dotted: "section.name"
    SettingType type = SettingType::String;
    SettingValue default_value;
    std::int64_t minimum = 0;          // Integer only
    std::int64_t maximum = 0;          // Integer only
    double number_minimum = 0;         // Number only
    double number_maximum = 0;         // Number only
    std::vector<std::string> choices;  // Choice only
    std::string description;
    bool secret = false;            // never printed or logged
    bool restart_required = false;  // a reload logs that the change waits for a restart
    bool octal = false;             // an Integer shown in octal (permission bits)
    // Checks a String / StringList value beyond its type; returns a message when invalid.
    std::function<std::optional<std::string>(const SettingValue&)> validate;
    // Stores a validated value into a snapshot.
    std::function<void(Config&, const SettingValue&)> apply;
    // Reads the value back out of a snapshot (for show-config and reload comparisons).
    std::function<SettingValue(const Config&)> read;

    std::string section() const { return key.substr(0, key.find('.')); }
    std::string name() const { return key.substr(key.find('.') + 1); }
};

// Every setting, in documentation order.
const std::vector<SettingSpec>& settingRegistry();
const SettingSpec* findSetting(std::string_view key);

// A key that was renamed: a file that still says `old_key` keeps working, and the loader
// says once, as a deprecation, which name to write instead.
struct SettingAlias {
    std::string old_key;
    std::string new_key;
};
const std::vector<SettingAlias>& settingAliases();
// The alias whose old name is `key`, or null.
const SettingAlias* findAlias(std::string_view key);
bool isKnownSection(std::string_view section);

// A snapshot with every setting at its default.
Config defaultConfig();

// Keys of restart-only settings whose values differ between two snapshots.
std::vector<std::string> restartOnlyChanges(const Config& before, const Config& after);

std::string settingTypeName(const SettingSpec& spec);
// The value as it is written in a TOML file ("6379", "\"mail\"", "[\"a\"]").
std::string formatSettingValue(const SettingValue& value, bool octal = false);

}  // namespace mailgate
