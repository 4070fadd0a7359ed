// Builders for SettingSpec entries (integer, number, boolean, string, list, choice, and
// the secret/octal/restart/validated modifiers), shared by the files that declare the
// settings of one section each (SettingRegistry.cpp and gateway/checks/*/*Settings.cpp and
// gateway/engine/*Settings.cpp). Only those files include it; nothing else declares settings.
#pragma once

#include <algorithm>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "gateway/config/EntryChecks.hpp"
#include "gateway/config/SettingSpec.hpp"

namespace mailgate {

template <class Section>
using SectionOf = Section Config::*;

template <class Section>
inline SettingSpec integerSetting(std::string key, SectionOf<Section> section,
                                  std::int64_t Section::*field, std::int64_t fallback,
                                  std::int64_t minimum, std::int64_t maximum,
                                  std::string description) {
    SettingSpec spec;
    spec.key = std::move(key);
    spec.type = SettingType::Integer;
    spec.default_value = fallback;
    spec.minimum = minimum;
    spec.maximum = maximum;
    spec.description = std::move(description);
    spec.apply = [section, field](Config& config, const SettingValue& value) {
        config.*section.*field = std::get<std::int64_t>(value);
    };
    spec.read = [section, field](const Config& config) {
        return SettingValue(config.*section.*field);
    };
    return spec;
}

template <class Section>
inline SettingSpec stringSetting(std::string key, SectionOf<Section> section,
                                 std::string Section::*field, std::string fallback,
                                 std::string description) {
    SettingSpec spec;
    spec.key = std::move(key);
    spec.type = SettingType::String;
    spec.default_value = std::move(fallback);
    spec.description = std::move(description);
    spec.apply = [section, field](Config& config, const SettingValue& value) {
        config.*section.*field = std::get<std::string>(value);
    };
    spec.read = [section, field](const Config& config) {
        return SettingValue(config.*section.*field);
    };
    return spec;
}

template <class Section>
inline SettingSpec stringListSetting(std::string key, SectionOf<Section> section,
                                     std::vector<std::string> Section::*field,
                                     std::vector<std::string> fallback, std::string description) {
    SettingSpec spec;
    spec.key = std::move(key);
    spec.type = SettingType::StringList;
    spec.default_value = std::move(fallback);
    spec.description = std::move(description);
    spec.apply = [section, field](Config& config, const SettingValue& value) {
        config.*section.*field = std::get<std::vector<std::string>>(value);
    };
    spec.read = [section, field](const Config& config) {
        return SettingValue(config.*section.*field);
    };
    return spec;
}

template <class Section, class Enum>
inline SettingSpec choiceSetting(std::string key, SectionOf<Section> section, Enum Section::*field,
                                 std::vector<std::pair<std::string, Enum>> choices,
                                 std::string fallback, std::string description) {
    SettingSpec spec;
    spec.key = std::move(key);
    spec.type = SettingType::Choice;
    spec.default_value = std::move(fallback);
    for (const auto& choice : choices) {
        spec.choices.push_back(choice.first);
    }
    spec.description = std::move(description);
    spec.apply = [section, field, choices](Config& config, const SettingValue& value) {
        const auto& text = std::get<std::string>(value);
        for (const auto& choice : choices) {
            if (choice.first == text) {
                config.*section.*field = choice.second;
            }
        }
    };
    spec.read = [section, field, choices](const Config& config) {
        for (const auto& choice : choices) {
            if (choice.second == config.*section.*field) {
                return SettingValue(choice.first);
            }
        }
        return SettingValue(std::string());
    };
    return spec;
}

inline SettingSpec secret(SettingSpec spec) {
    spec.secret = true;
    return spec;
}

inline SettingSpec octal(SettingSpec spec) {
    spec.octal = true;
    return spec;
}

inline SettingSpec restartRequired(SettingSpec spec) {
    spec.restart_required = true;
    return spec;
}

inline SettingSpec validated(SettingSpec spec,
                             std::function<std::optional<std::string>(const std::string&)> check) {
    spec.validate = [check](const SettingValue& value) -> std::optional<std::string> {
        if (const auto* text = std::get_if<std::string>(&value)) {
            return check(*text);
        }
        // Every bad item at once, so one edit fixes them all.
        std::string problems;
        for (const auto& item : std::get<std::vector<std::string>>(value)) {
            if (auto problem = check(item)) {
                problems += (problems.empty() ? "" : "; ") + *problem;
            }
        }
        return problems.empty() ? std::nullopt : std::optional<std::string>(problems);
    };
    return spec;
}

template <class Section>
inline SettingSpec booleanSetting(std::string key, SectionOf<Section> section, bool Section::*field,
                                  bool fallback, std::string description) {
    SettingSpec spec;
    spec.key = std::move(key);
    spec.type = SettingType::Boolean;
    spec.default_value = fallback;
    spec.description = std::move(description);
    spec.apply = [section, field](Config& config, const SettingValue& value) {
        config.*section.*field = std::get<bool>(value);
    };
    spec.read = [section, field](const Config& config) {
        return SettingValue(config.*section.*field);
    };
    return spec;
}

template <class Section>
inline SettingSpec numberSetting(std::string key, SectionOf<Section> section,
                                 double Section::*field, double fallback, double minimum,
                                 double maximum, std::string description) {
    SettingSpec spec;
    spec.key = std::move(key);
    spec.type = SettingType::Number;
    spec.default_value = fallback;
    spec.number_minimum = minimum;
    spec.number_maximum = maximum;
    spec.description = std::move(description);
    spec.apply = [section, field](Config& config, const SettingValue& value) {
        config.*section.*field = std::get<double>(value);
    };
    spec.read = [section, field](const Config& config) {
        return SettingValue(config.*section.*field);
    };
    return spec;
}

// Each appends its section's settings, in documentation order (settings/*.cpp).
void appendSpfSettings(std::vector<SettingSpec>& specs);
void appendDnsblSettings(std::vector<SettingSpec>& specs);
void appendClientCheckSettings(std::vector<SettingSpec>& specs);
void appendAccessSettings(std::vector<SettingSpec>& specs);
void appendRelaySettings(std::vector<SettingSpec>& specs);
void appendLocalSenderSettings(std::vector<SettingSpec>& specs);
void appendLimitSettings(std::vector<SettingSpec>& specs);
void appendGreylistSettings(std::vector<SettingSpec>& specs);
void appendPolicyHeaderSettings(std::vector<SettingSpec>& specs);
void appendContentSettings(std::vector<SettingSpec>& specs);
void appendHeaderCheckSettings(std::vector<SettingSpec>& specs);
void appendHeaderForensicsSettings(std::vector<SettingSpec>& specs);
void appendUriListSettings(std::vector<SettingSpec>& specs);
void appendUrlFactsSettings(std::vector<SettingSpec>& specs);
void appendPhraseSettings(std::vector<SettingSpec>& specs);
void appendHtmlFeaturesSettings(std::vector<SettingSpec>& specs);
void appendMimeCheckSettings(std::vector<SettingSpec>& specs);
void appendScoringSettings(std::vector<SettingSpec>& specs);
void appendQuarantineSettings(std::vector<SettingSpec>& specs);
void appendListSettings(std::vector<SettingSpec>& specs);
void appendAwlSettings(std::vector<SettingSpec>& specs);
void appendBayesSettings(std::vector<SettingSpec>& specs);
void appendTrackingSettings(std::vector<SettingSpec>& specs);

}  // namespace mailgate
