// Golden tests of the policy stage as data (tests/data/policy/, its README says the
// format): each case file holds a config, the DNS the checks see (an in-memory resolver:
// no network), what greylisting's store answers, and policy requests as Postfix sends
// them, with the Postfix action, the symbols, the headers and the log fields expected.
// Each request goes the way the policy daemon takes it: read into a session, through the
// snapshot's SmtpStagePolicy (every registered check), and worded as a Postfix action.
#include <gtest/gtest.h>
#include <toml++/toml.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <ostream>
#include <set>
#include <sstream>

#include "gateway/checks/greylist/GreylistStore.hpp"
#include "gateway/config/ConfigLoader.hpp"
#include "gateway/engine/CheckedConfig.hpp"
#include "gateway/engine/SmtpStagePolicy.hpp"
#include "policyd/PolicyAction.hpp"
#include "policyd/SessionFromRequest.hpp"
#include "tests/support/ScriptedGreylistStore.hpp"
#include "tests/support/StaticDnsLookup.hpp"

using namespace mailgate;
using mailgate::testing::runUntilComplete;
using mailgate::testing::ScriptedGreylistStore;
using mailgate::testing::StaticDnsLookup;

namespace {

std::filesystem::path casesDirectory() {
    const char* source = std::getenv("MAILGATE_SOURCE_DIR");
    std::filesystem::path root = source ? std::filesystem::path(source)
                                        : std::filesystem::read_symlink("/proc/self/exe")
                                              .parent_path()
                                              .parent_path()
                                              .parent_path();
    return root / "tests" / "data" / "policy" / "cases";
}

std::vector<std::string> strings(const toml::node_view<const toml::node>& node) {
    std::vector<std::string> out;
    if (const auto* array = node.as_array()) {
        for (const auto& element : *array) {
            out.emplace_back(element.value_or(std::string()));
        }
    }
    return out;
}

// "NAME REST": the first word and what follows it.
std::pair<std::string, std::string> split(const std::string& line) {
    auto space = line.find(' ');
    return {line.substr(0, space), space == std::string::npos ? "" : line.substr(space + 1)};
}

void loadDns(const toml::table& dns, StaticDnsLookup& lookup) {
    for (const auto& line : strings(dns["a"])) {
        auto [name, address] = split(line);
        lookup.addText(name, DnsType::A, address);
    }
    for (const auto& line : strings(dns["aaaa"])) {
        auto [name, address] = split(line);
        lookup.addText(name, DnsType::Aaaa, address);
    }
    for (const auto& line : strings(dns["txt"])) {
        auto [name, text] = split(line);
        lookup.addText(name, DnsType::Txt, text);
    }
    for (const auto& line : strings(dns["ptr"])) {
        auto [name, target] = split(line);
        lookup.addText(name, DnsType::Ptr, target);
    }
    for (const auto& line : strings(dns["mx"])) {
        auto [name, rest] = split(line);
        auto [preference, host] = split(rest);
        lookup.addMx(name, static_cast<std::uint16_t>(std::atoi(preference.c_str())), host);
    }
    for (const auto& name : strings(dns["names"])) {
        lookup.addName(name);
    }
    for (const auto& name : strings(dns["fail"])) {
        lookup.failTemporarily(name);
    }
    for (const auto& name : strings(dns["silent"])) {
        lookup.neverAnswer(name);
    }
}

void scriptGreylisting(const toml::table& greylist, ScriptedGreylistStore& store) {
    for (const auto& line : strings(greylist["answers"])) {
        auto [state, seconds] = split(line);
        if (state == "fail") {
            store.fail(seconds);
            continue;
        }
        GreylistStatus status = state == "new"      ? GreylistStatus::New
                                : state == "early"  ? GreylistStatus::Early
                                : state == "passed" ? GreylistStatus::Passed
                                : state == "known"  ? GreylistStatus::Known
                                                    : GreylistStatus::Whitelisted;
        store.answer({status, std::atoll(seconds.c_str()), 0});
    }
}

PolicyRequest requestOf(const std::string& attributes) {
    PolicyRequest request;
    request.add("request", "smtpd_access_policy");
    std::istringstream lines(attributes);
    std::string line;
    while (std::getline(lines, line)) {
        if (auto equals = line.find('='); equals != std::string::npos) {
            request.add(line.substr(0, equals), line.substr(equals + 1));
        }
    }
    return request;
}

struct GoldenCase {
    std::string file;
    toml::table document;
};

// gtest prints a parameter in failure messages and test lists: the file's name, not bytes.
void PrintTo(const GoldenCase& golden, std::ostream* out) {
    *out << golden.file;
}

std::vector<GoldenCase> goldenCases() {
    std::vector<GoldenCase> cases;
    std::vector<std::filesystem::path> files;
    std::error_code missing;
    for (const auto& entry : std::filesystem::directory_iterator(casesDirectory(), missing)) {
        if (entry.path().extension() == ".toml") {
            files.push_back(entry.path());
        }
    }
    std::sort(files.begin(), files.end());
    for (const auto& file : files) {
        cases.push_back({file.filename().string(), toml::parse_file(file.string())});
    }
    return cases;
}

class PolicyGolden : public ::testing::TestWithParam<GoldenCase> {};

std::string describe(const SmtpStageVerdict& verdict, const std::string& action) {
    std::string text = "action \"" + action + "\", symbols";
    for (const auto& symbol : verdict.merged.symbols) {
        text += " " + symbol.name;
    }
    return text;
}

}  // namespace

TEST(PolicyGoldenData, IsFound) {
    EXPECT_GE(goldenCases().size(), 5u) << casesDirectory();
}

TEST_P(PolicyGolden, EveryRequestGetsItsExpectedAnswer) {
    const auto& [file, document] = GetParam();
    auto loaded = checkAgainstRegistry(
        ConfigLoader::loadText(document["config"].value_or(std::string()), file, casesDirectory()));
    ASSERT_TRUE(loaded.ok()) << file << ": " << describeProblems(loaded.problems);
    StaticDnsLookup dns;
    if (const auto* table = document["dns"].as_table()) {
        loadDns(*table, dns);
    }
    auto store = std::make_shared<ScriptedGreylistStore>();
    if (const auto* table = document["greylist"].as_table()) {
        scriptGreylisting(*table, *store);
    }
    Services services;
    services.dns = &dns;
    services.greylist_store = store;
    SmtpStagePolicy policy(*loaded.config, services);
    const auto* requests = document["request"].as_array();
    ASSERT_TRUE(requests && !requests->empty()) << file << ": no [[request]]";
    for (const auto& node : *requests) {
        const auto& request = *node.as_table();
        std::string id = request["id"].value_or(std::string("?"));
        SCOPED_TRACE(file + ":" + id);
        auto session =
            smtpSessionFromRequest(requestOf(request["attributes"].value_or(std::string())));
        ASSERT_TRUE(session.ok()) << session.error();
        auto shared = std::make_shared<SmtpSession>(std::move(*session));
        shared->now = request["now"].value_or(std::int64_t{1764500000});
        auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(500);
        SmtpStageVerdict verdict = runUntilComplete(policy.evaluate(shared, deadline));
        std::string action =
            policyReplyFor(verdict.merged, "", loaded.config->policyd.warn_only).action;
        const auto* expect = request["expect"].as_table();
        ASSERT_NE(expect, nullptr) << "no [request.expect]";
        if (auto wanted = (*expect)["action"].value<std::string>()) {
            EXPECT_EQ(action, *wanted) << describe(verdict, action);
        }
        if ((*expect)["symbols"]) {
            std::multiset<std::string> got;
            for (const auto& symbol : verdict.merged.symbols) {
                got.insert(symbol.name);
            }
            auto names = strings((*expect)["symbols"]);
            EXPECT_EQ(got, std::multiset<std::string>(names.begin(), names.end()))
                << describe(verdict, action);
        }
        if ((*expect)["headers"]) {
            std::vector<std::string> got;
            for (const auto& header : verdict.merged.headers) {
                got.push_back(header.name);
            }
            EXPECT_EQ(got, strings((*expect)["headers"]));
        }
        if (const auto* fields = (*expect)["log"].as_table()) {
            for (const auto& [name, value] : *fields) {
                EXPECT_EQ(verdict.merged.logField(name.str()), value.value_or(std::string()))
                    << "log field " << name.str();
            }
        }
    }
}

INSTANTIATE_TEST_SUITE_P(Cases, PolicyGolden, ::testing::ValuesIn(goldenCases()),
                         [](const ::testing::TestParamInfo<GoldenCase>& golden) {
                             std::string name = golden.param.file.substr(
                                 0, golden.param.file.size() - std::string(".toml").size());
                             for (char& c : name) {
                                 c = std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
                             }
                             return name;
                         });
