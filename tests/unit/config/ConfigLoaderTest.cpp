// Unit tests of the config loader and the setting registry (F1, docs/features.md): defaults,
// unknown keys, wrong types, out-of-range values, positions, rule files, reload swap.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "gateway/config/ConfigHolder.hpp"
#include "gateway/config/ConfigLoader.hpp"
#include "gateway/config/SettingSpec.hpp"

using namespace mailgate;

namespace {

// The repository root: MAILGATE_SOURCE_DIR (ctest sets it), else three levels above this
// executable (build-test/bin/mailgate_unit_tests). Not compiled in, so the objects are
// the same in every clone and a shared ccache serves them all.
std::filesystem::path sourceDirectory() {
    if (const char* fromEnvironment = std::getenv("MAILGATE_SOURCE_DIR")) {
        return fromEnvironment;
    }
    return std::filesystem::read_symlink("/proc/self/exe")
        .parent_path()
        .parent_path()
        .parent_path();
}

ConfigLoadOutcome load(const std::string& text,
                       const std::filesystem::path& base = "/nonexistent") {
    return ConfigLoader::loadText(text, "test.toml", base);
}

class TemporaryDirectory {
  public:
    TemporaryDirectory() {
        char pattern[] = "/tmp/mailgate-unit-XXXXXX";
        path_ = mkdtemp(pattern);
    }
    ~TemporaryDirectory() { std::filesystem::remove_all(path_); }
    const std::filesystem::path& path() const { return path_; }
    void write(const std::string& name, const std::string& text) const {
        std::filesystem::create_directories((path_ / name).parent_path());
        std::ofstream(path_ / name) << text;
    }

  private:
    std::filesystem::path path_;
};

}  // namespace

TEST(ConfigLoader, EmptyFileGivesEveryDefault) {
    auto outcome = load("");
    ASSERT_TRUE(outcome.ok()) << describeProblems(outcome.problems);
    EXPECT_EQ(outcome.config->redis.port, 6379);
    EXPECT_EQ(outcome.config->redis.host, "127.0.0.1");
    EXPECT_EQ(outcome.config->redis.key_prefix, "mailgate:");
    EXPECT_EQ(outcome.config->log.destination, LogDestination::Syslog);
    EXPECT_EQ(outcome.config->log.level, LogLevel::Info);
    EXPECT_EQ(outcome.config->milter.socket_mode, 0660);
    ASSERT_EQ(outcome.config->policyd.listen.size(), 1u);
    EXPECT_EQ(outcome.config->policyd.listen[0], "inet:127.0.0.1:10040");
}

TEST(ConfigLoader, ReadsTypedValues) {
    auto outcome = load(R"(
[redis]
host = "10.1.1.1"
port = 6380
database = 3
[log]
destination = "stderr"
level = "debug"
[policyd]
listen = ["inet:127.0.0.1:9999", "unix:/run/p.sock"]
[milter]
socket_mode = 0o600
)");
    ASSERT_TRUE(outcome.ok()) << describeProblems(outcome.problems);
    EXPECT_EQ(outcome.config->redis.host, "10.1.1.1");
    EXPECT_EQ(outcome.config->redis.port, 6380);
    EXPECT_EQ(outcome.config->redis.database, 3);
    EXPECT_EQ(outcome.config->log.destination, LogDestination::Stderr);
    EXPECT_EQ(outcome.config->log.level, LogLevel::Debug);
    EXPECT_EQ(outcome.config->policyd.listen.size(), 2u);
    EXPECT_EQ(outcome.config->milter.socket_mode, 0600);
}

TEST(ConfigLoader, UnknownKeyNamesFileLineAndKey) {
    auto outcome = load("[redis]\nhost = \"127.0.0.1\"\nprot = 6379\n");
    ASSERT_FALSE(outcome.ok());
    ASSERT_EQ(outcome.problems.size(), 1u);
    const auto& problem = outcome.problems[0];
    EXPECT_EQ(problem.file, "test.toml");
    EXPECT_EQ(problem.line, 3);
    EXPECT_EQ(problem.key, "redis.prot");
    EXPECT_NE(problem.message.find("unknown key"), std::string::npos);
    EXPECT_NE(problem.message.find("redis.port"), std::string::npos) << "suggests the near key";
    EXPECT_EQ(problem.describe().rfind("test.toml:3:1: redis.prot: unknown key", 0), 0u)
        << problem.describe();
}

TEST(ConfigLoader, UnknownSectionIsAnError) {
    auto outcome = load("\n[reddis]\nport = 1\n");
    ASSERT_FALSE(outcome.ok());
    EXPECT_EQ(outcome.problems[0].key, "reddis");
    EXPECT_EQ(outcome.problems[0].line, 2);
}

TEST(ConfigLoader, WrongTypeIsAnError) {
    auto outcome = load("[redis]\nport = \"6379\"\n");
    ASSERT_FALSE(outcome.ok());
    EXPECT_EQ(outcome.problems[0].key, "redis.port");
    EXPECT_EQ(outcome.problems[0].line, 2);
    EXPECT_NE(outcome.problems[0].message.find("got a string"), std::string::npos);
}

TEST(ConfigLoader, OutOfRangeIsAnError) {
    auto outcome = load("[redis]\nport = 70000\n");
    ASSERT_FALSE(outcome.ok());
    EXPECT_EQ(outcome.problems[0].key, "redis.port");
    EXPECT_NE(outcome.problems[0].message.find("out of range 1..65535"), std::string::npos);
}

TEST(ConfigLoader, InvalidChoiceIsAnError) {
    auto outcome = load("[log]\nlevel = \"verbose\"\n");
    ASSERT_FALSE(outcome.ok());
    EXPECT_EQ(outcome.problems[0].key, "log.level");
    EXPECT_NE(outcome.problems[0].message.find("one of error warning info debug"),
              std::string::npos);
}

TEST(ConfigLoader, ReportsEveryProblemNotJustTheFirst) {
    auto outcome = load("[redis]\nport = 0\nhost = 5\n[log]\nlevel = 1\nfoo = 2\n");
    EXPECT_EQ(outcome.problems.size(), 4u) << describeProblems(outcome.problems);
    EXPECT_EQ(outcome.config, nullptr);
}

TEST(ConfigLoader, SyntaxErrorHasPosition) {
    auto outcome = load("[redis]\nport = = 3\n");
    ASSERT_FALSE(outcome.ok());
    EXPECT_EQ(outcome.problems[0].line, 2);
    EXPECT_EQ(outcome.problems[0].file, "test.toml");
}

TEST(ConfigLoader, HostileBytesAreAProblemNotACrash) {
    std::string text = "[redis]\nhost = \"a\0b\"\n\xff\xfe=1\n";
    text.push_back('\0');
    auto outcome = load(text);
    EXPECT_FALSE(outcome.ok());
}

TEST(ConfigLoader, DuplicateKeyIsAnError) {
    auto outcome = load("[redis]\nport = 1\nport = 2\n");
    EXPECT_FALSE(outcome.ok());
}

TEST(ConfigLoader, ListenAddressesAreValidated) {
    auto outcome = load("[policyd]\nlisten = [\"tcp:1.2.3.4:5\"]\n");
    ASSERT_FALSE(outcome.ok());
    EXPECT_EQ(outcome.problems[0].key, "policyd.listen");
    auto milter = load("[milter]\nsocket = \"inet:99999@127.0.0.1\"\n");
    ASSERT_FALSE(milter.ok());
    EXPECT_EQ(milter.problems[0].key, "milter.socket");
}

TEST(ConfigLoader, CrossSettingChecksNameTheKey) {
    auto outcome = load("[log]\ndestination = \"file\"\n");
    ASSERT_FALSE(outcome.ok());
    EXPECT_EQ(outcome.problems[0].key, "log.file");
    EXPECT_EQ(outcome.problems[0].line, 2);
    auto backoff = load("[redis]\nreconnect_min_delay_ms = 900\nreconnect_max_delay_ms = 100\n");
    ASSERT_FALSE(backoff.ok());
    EXPECT_EQ(backoff.problems[0].key, "redis.reconnect_min_delay_ms");
}

TEST(ConfigLoader, MissingFileIsAProblem) {
    auto outcome = ConfigLoader::loadFile("/nonexistent/mailgate.toml");
    ASSERT_FALSE(outcome.ok());
    EXPECT_NE(outcome.problems[0].message.find("cannot read"), std::string::npos);
}

TEST(ConfigLoader, ReadsRuleFilesRelativeToTheConfig) {
    TemporaryDirectory directory;
    directory.write("mailgate.toml", "[rules]\ndirectory = \"myrules\"\n");
    const std::string condition =
        "[[rule.condition]]\nitem = \"subject\"\ncondition = \"contains\"\npattern = \"x\"\n";
    directory.write("myrules/10-first.toml", "[[rule]]\nname = \"one\"\ncomment = \"c\"\n" +
                                                 condition + "[[rule]]\nname = \"two\"\n" +
                                                 condition);
    directory.write("myrules/20-second.toml", "[[rule]]\nname = \"three\"\n" + condition);
    directory.write("myrules/ignored.txt", "not a rule file");
    auto outcome = ConfigLoader::loadFile(directory.path() / "mailgate.toml");
    ASSERT_TRUE(outcome.ok()) << describeProblems(outcome.problems);
    ASSERT_EQ(outcome.config->rule_files.size(), 2u);
    EXPECT_EQ(outcome.config->rule_files[0].rules.size(), 2u);
    EXPECT_EQ(outcome.config->rule_files[0].rules[1].name, "two");
    EXPECT_EQ(outcome.config->rule_files[0].rules[1].line, 8);
    ASSERT_EQ(outcome.config->rule_files[0].rules[1].conditions.size(), 1u);
    EXPECT_EQ(outcome.config->rule_files[0].rules[1].conditions[0].line, 10);
    EXPECT_EQ(outcome.config->rule_files[1].rules[0].name, "three");
}

TEST(ConfigLoader, RuleFileProblemsNameTheRuleFile) {
    TemporaryDirectory directory;
    directory.write("mailgate.toml", "");
    directory.write("rules.d/a.toml", "[[rule]]\nname = \"x\"\nitem = \"Subject\"\n");
    directory.write("rules.d/b.toml",
                    "[[rule]]\nname = \"x\"\n[[rule.condition]]\nitem = \"size\"\n"
                    "condition = \"more_than\"\npattern = \"10\"\n");
    auto outcome = ConfigLoader::loadFile(directory.path() / "mailgate.toml");
    ASSERT_EQ(outcome.problems.size(), 3u) << describeProblems(outcome.problems);
    EXPECT_EQ(outcome.problems[0].file, (directory.path() / "rules.d/a.toml").string());
    EXPECT_EQ(outcome.problems[0].line, 1) << "in line order";
    EXPECT_NE(outcome.problems[0].message.find("no condition"), std::string::npos);
    EXPECT_EQ(outcome.problems[1].line, 3);
    EXPECT_EQ(outcome.problems[1].key, "rule.item");
    EXPECT_EQ(outcome.problems[2].file, (directory.path() / "rules.d/b.toml").string());
    EXPECT_NE(outcome.problems[2].message.find("more than once"), std::string::npos);
}

TEST(ConfigLoader, RuleProblemsComeInLineOrderAndSymbolsMustDiffer) {
    TemporaryDirectory directory;
    directory.write("mailgate.toml", "");
    const std::string condition =
        "[[rule.condition]]\nitem = \"Size (KB)\"\ncondition = \"more than\"\npattern = \"9\"\n";
    directory.write("rules.d/a.toml",
                    "[[rule]]\nname = \"a-b\"\ncombination = \"maybe\"\naction = \"shred\"\n" +
                        condition + "[[rule]]\nname = \"a_b\"\n" + condition +
                        "[[rule]]\nname = \"c\"\n[[rule.condition]]\nitem = \"size\"\n"
                        "condition = \"contains\"\npattern = \"9\"\n" +
                        "[[rule]]\nname = \"d\"\n[[rule.condition]]\nitem = \"mail_from\"\n"
                        "condition = \"Does Not Exists\"\n");
    auto outcome = ConfigLoader::loadFile(directory.path() / "mailgate.toml");
    ASSERT_EQ(outcome.problems.size(), 4u) << describeProblems(outcome.problems);
    EXPECT_EQ(outcome.problems[0].line, 3);
    EXPECT_EQ(outcome.problems[0].key, "rule.combination");
    EXPECT_EQ(outcome.problems[1].line, 4);
    EXPECT_EQ(outcome.problems[1].key, "rule.action");
    EXPECT_NE(outcome.problems[2].message.find("would both be symbol RULE_A_B"), std::string::npos)
        << outcome.problems[2].message;
    EXPECT_NE(outcome.problems[3].message.find("contains is not valid for item size"),
              std::string::npos)
        << "and no second \"no condition\" problem for rule c";
}

TEST(ConfigLoader, ExplicitMissingRulesDirectoryIsAnError) {
    auto outcome = load("[rules]\ndirectory = \"/nonexistent/rules\"\n");
    ASSERT_FALSE(outcome.ok());
    EXPECT_EQ(outcome.problems[0].key, "rules.directory");
    EXPECT_EQ(outcome.problems[0].line, 2);
}

TEST(ConfigHolder, InstallsValidSnapshotsAndKeepsTheOldOnProblems) {
    ConfigHolder holder(load("").config);
    auto held = holder.current();
    EXPECT_EQ(held->generation, 1u);
    auto next = holder.install(load("[redis]\nport = 7000\n"));
    EXPECT_EQ(next->generation, 2u);
    EXPECT_EQ(holder.current()->redis.port, 7000);
    EXPECT_EQ(held->redis.port, 6379) << "a request in flight keeps its snapshot";
    holder.install(load("[redis]\nport = -1\n"));
    EXPECT_EQ(holder.current()->redis.port, 7000);
    EXPECT_EQ(holder.current()->generation, 2u);
}

TEST(SettingRegistry, EverySettingIsDocumentedAndItsDefaultValid) {
    for (const auto& spec : settingRegistry()) {
        EXPECT_FALSE(spec.description.empty()) << spec.key;
        EXPECT_NE(spec.key.find('.'), std::string::npos) << spec.key;
        EXPECT_TRUE(spec.read != nullptr && spec.apply != nullptr) << spec.key;
        if (spec.type == SettingType::Integer) {
            auto value = std::get<std::int64_t>(spec.default_value);
            EXPECT_TRUE(value >= spec.minimum && value <= spec.maximum) << spec.key;
        }
        if (spec.validate) {
            EXPECT_FALSE(spec.validate(spec.default_value).has_value()) << spec.key;
        }
        EXPECT_EQ(spec.read(defaultConfig()), spec.default_value) << spec.key;
    }
}

TEST(SettingRegistry, RestartOnlyChangesAreDetected) {
    auto before = load("").config;
    auto after =
        load("[milter]\nsocket = \"unix:/tmp/other.sock\"\n[log]\nlevel = \"debug\"\n").config;
    auto keys = restartOnlyChanges(*before, *after);
    ASSERT_EQ(keys.size(), 1u);
    EXPECT_EQ(keys[0], "milter.socket");
}

TEST(ExampleConfig, LoadsAndMentionsEverySetting) {
    std::filesystem::path example = sourceDirectory() / "config/mailgate.toml";
    auto outcome = ConfigLoader::loadFile(example);
    ASSERT_TRUE(outcome.ok()) << describeProblems(outcome.problems);
    std::ifstream input(example);
    std::string text((std::istreambuf_iterator<char>(input)), std::istreambuf_iterator<char>());
    for (const auto& spec : settingRegistry()) {
        auto section = "[" + spec.section() + "]";
        EXPECT_NE(text.find(section), std::string::npos) << section;
        EXPECT_NE(text.find(spec.name() + " = "), std::string::npos)
            << spec.key << " is not shown in config/mailgate.toml";
    }
}

TEST(ConfigLoader, QuarantineThresholdsAreOrdered) {
    EXPECT_TRUE(load("[scoring]\nspam_action = \"quarantine\"\n").ok());
    EXPECT_TRUE(load("[scoring]\nquarantine_threshold = 8.0\nreject_threshold = 12.0\n").ok());
    auto below = load("[scoring]\nspam_threshold = 5.0\nquarantine_threshold = 4.0\n");
    ASSERT_FALSE(below.ok());
    EXPECT_NE(below.problems[0].describe().find("test.toml:3:"), std::string::npos);
    EXPECT_NE(below.problems[0].message.find("spam_threshold"), std::string::npos);
    EXPECT_FALSE(load("[scoring]\nquarantine_threshold = 15.0\nreject_threshold = 12.0\n").ok());
    EXPECT_FALSE(load("[scoring]\nspam_threshold = 6.0\nreject_threshold = 4.0\n").ok());
    EXPECT_TRUE(load("[scoring]\nspam_action = \"delete\"\nreject_threshold = 12.0\n").ok());
    auto weight = load("[scoring]\nsymbol_weights = [\"lower=1\"]\n");
    ASSERT_FALSE(weight.ok());
    EXPECT_NE(weight.problems[0].message.find("upper case"), std::string::npos);
    auto server = load("[quarantine]\nrelease_server = \"[::1\"\n");
    ASSERT_FALSE(server.ok());
    EXPECT_NE(server.problems[0].message.find("[HOST]:PORT"), std::string::npos);
    EXPECT_FALSE(load("[quarantine]\nnode = \"a/b\"\n").ok());
    EXPECT_TRUE(load("[quarantine]\nrelease_server = \"[192.0.2.25]:25\"\nnode = \"mx1\"\n").ok());
}

TEST(ConfigLoader, EntryFilesAreReadWithFileAndLine) {
    auto directory = std::filesystem::temp_directory_path() / "mailgate-entry-file-test";
    std::filesystem::create_directories(directory);
    std::ofstream(directory / "clients") << "# comment\n192.0.2.0/24\n\n  example.com  # mx\n"
                                            "not a pattern\n";
    auto outcome = ConfigLoader::loadText("[greylist]\nwhitelist_clients_file = \"clients\"\n",
                                          "test.toml", directory);
    ASSERT_FALSE(outcome.ok());
    ASSERT_EQ(outcome.problems.size(), 1u);
    EXPECT_EQ(outcome.problems[0].line, 5);
    EXPECT_NE(outcome.problems[0].file.find("clients"), std::string::npos);
    std::ofstream(directory / "clients") << "192.0.2.0/24\nexample.com\n";
    auto good = ConfigLoader::loadText("[greylist]\nwhitelist_clients_file = \"clients\"\n",
                                       "test.toml", directory);
    ASSERT_TRUE(good.ok());
    EXPECT_EQ(good.config->greylist.whitelist_clients,
              (std::vector<std::string>{"192.0.2.0/24", "example.com"}));
    auto missing = ConfigLoader::loadText("[local_senders]\naddresses_file = \"nowhere\"\n",
                                          "test.toml", directory);
    ASSERT_FALSE(missing.ok());
    EXPECT_NE(missing.problems[0].message.find("cannot read"), std::string::npos);
    std::filesystem::remove_all(directory);
}
