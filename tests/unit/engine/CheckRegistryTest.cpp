// Unit tests of the check registry (gateway/checks/CheckRegistry.cpp): every check is
// there once with a phase, a config section that exists and the symbols it emits; the
// symbols a config makes known include the configured DNS lists and rules; a weight
// naming no symbol is a config problem at the setting's file and line, with the nearest
// name; renamed keys keep working and are reported as deprecations; and SPF's symbols
// establish the fact greylisting and the "from:" whitelist rely on.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "gateway/config/ConfigLoader.hpp"
#include "gateway/config/SettingSpec.hpp"
#include "gateway/engine/CheckRegistry.hpp"
#include "gateway/engine/CheckedConfig.hpp"

using namespace mailgate;

namespace {

bool contains(const std::vector<std::string>& names, const std::string& name) {
    return std::find(names.begin(), names.end(), name) != names.end();
}

ConfigLoadOutcome load(const std::string& text) {
    return checkAgainstRegistry(ConfigLoader::loadText(text, "test.toml", "."));
}

}  // namespace

TEST(CheckRegistry, EveryCheckOnceWithItsSectionAndFactory) {
    std::set<std::string> names;
    std::set<std::string> sections;
    for (const auto& spec : settingRegistry()) {
        sections.insert(spec.section());
    }
    sections.insert("rules");
    for (const auto& check : checkRegistry()) {
        EXPECT_TRUE(names.insert(std::string(check.name)).second) << check.name << " twice";
        EXPECT_TRUE(sections.count(std::string(check.config_section)))
            << check.name << ": no section [" << check.config_section << "]";
        bool smtp = check.stage == CheckStage::Smtp;
        EXPECT_EQ(check.make_smtp_check != nullptr, smtp) << check.name;
        EXPECT_EQ(check.make_content_check != nullptr, !smtp) << check.name;
        EXPECT_NE(check.symbols, nullptr) << check.name;
    }
    EXPECT_EQ(findCheck("greylist")->phase, CheckPhase::PostFilter);
    EXPECT_EQ(findCheck("access")->phase, CheckPhase::PreFilter);
    EXPECT_EQ(findCheck("awl")->phase, CheckPhase::PostFilter);
    EXPECT_EQ(findCheck("nothing"), nullptr);
}

TEST(CheckRegistry, KnownSymbolsFollowTheConfig) {
    Config config = defaultConfig();
    config.dnsbl.zones = {"ZEN:zen.example", "other.example*2"};
    config.dnsbl.whitelist_zones = {"GOOD:wl.example"};
    RuleDefinition rule;
    rule.name = "exe attachment";
    config.rule_files.push_back({"10-a.toml", {rule}});
    auto known = knownSymbols(config);
    for (const char* name :
         {"DNSBL_ZEN", "DNSBL_OTHER_EXAMPLE", "DNSWL_GOOD", "RULE_EXE_ATTACHMENT", "SPF_PASS",
          "GREYLIST_DEFERRED", "HEADER_FROM_INVALID", "DUPLICATE_MESSAGE_ID", "MIME_BAD_BOUNDARY",
          "PERSONAL_WHITELIST", "AWL", "RELAY_DENIED", "CLIENT_NO_PTR", "HELO_BARE_IP"}) {
        EXPECT_TRUE(contains(known, name)) << name;
    }
    EXPECT_FALSE(contains(knownSymbols(defaultConfig()), "DNSBL_ZEN"));
}

TEST(CheckRegistry, AMisspeltWeightIsAProblemAtItsLine) {
    auto outcome = load(
        "[dnsbl]\nzones = [\"ZEN:zen.example\"]\n[scoring]\n"
        "symbol_weights = [\"DNSBL_ZEN=4\", \"DNSBL_ZNE=4\", \"NO_SUCH_THING=1\"]\n");
    ASSERT_FALSE(outcome.ok());
    ASSERT_EQ(outcome.problems.size(), 2u) << describeProblems(outcome.problems);
    EXPECT_EQ(outcome.problems[0].describe(),
              "test.toml:4:1: scoring.symbol_weights: \"DNSBL_ZNE\" is not a symbol any check "
              "emits (did you mean \"DNSBL_ZEN\"?)");
    EXPECT_EQ(outcome.problems[1].line, 4);
    EXPECT_TRUE(load("[scoring]\nsymbol_weights = [\"MISSING_DATE=0\"]\n").ok());
}

TEST(CheckRegistry, ARenamedKeyStillWorksAndIsReportedOnce) {
    auto outcome = load("[greylist]\nauto_whitelist_after = 7\n");
    ASSERT_TRUE(outcome.ok()) << describeProblems(outcome.problems);
    EXPECT_EQ(outcome.config->greylist.origin_whitelist_after, 7);
    ASSERT_EQ(outcome.config->deprecations.size(), 1u);
    EXPECT_EQ(outcome.config->deprecations[0].describe(),
              "test.toml:2:1: greylist.auto_whitelist_after: renamed to "
              "greylist.origin_whitelist_after; the old name still works, but write the new one");
    auto both = load("[greylist]\nauto_whitelist_after = 7\norigin_whitelist_after = 3\n");
    EXPECT_FALSE(both.ok()) << "the old and the new name at once";
}

TEST(CheckRegistry, SpfPassIsTheFactThatTheSenderDomainPassed) {
    EXPECT_TRUE(factsFromSymbols({{"SPF_PASS", -1.0, ""}}).spf_pass);
    EXPECT_FALSE(factsFromSymbols({{"SPF_SOFTFAIL", 1.0, ""}, {"DNSBL_ZEN", 3, ""}}).spf_pass);
}
