// Unit tests of how the content stage decides per recipient (C3, C4, C5, C6, docs/features.md): the
// precedence personal lists > global lists > "to:" lists > ham rule > spam rule > score,
// a spam rule's own action, Envelope-To rules judged per recipient, the copy that is
// delivered carrying the spammiest accepted recipient's verdict, and the score the AWL
// learns (weighted, without list and rule symbols). Rule matching itself is covered by the
// golden tests (tests/integration/test_C3_rules_golden.py).
#include <gtest/gtest.h>

#include "gateway/config/SettingSpec.hpp"
#include "gateway/content/ContentPipeline.hpp"

using namespace mailgate;

namespace {

const std::string kBrokenFrom =
    "From: Alice <alice@\r\nTo: bob@example.org\r\nDate: Tue, 1 Dec 2026 08:00:00 +0000\r\n"
    "Message-ID: <1@example.com>\r\nSubject: the quarterly report\r\n\r\nHi\r\n";

RuleConditionDefinition condition(RuleItem item, RuleCondition kind, std::string pattern) {
    RuleConditionDefinition definition;
    definition.item = item;
    definition.condition = kind;
    definition.pattern = std::move(pattern);
    return definition;
}

RuleDefinition rule(std::string name, RuleClassification classification,
                    RuleConditionDefinition only,
                    RuleAction action = RuleAction::SameAsSpamSetting) {
    RuleDefinition definition;
    definition.name = std::move(name);
    definition.classification = classification;
    definition.action = action;
    definition.conditions.push_back(std::move(only));
    return definition;
}

Config spamConfig() {
    Config config = defaultConfig();
    config.scoring.symbol_weights = {"HEADER_FROM_INVALID=10"};
    config.scoring.spam_action = SpamAction::Delete;
    return config;
}

Message message(const std::string& raw, std::vector<std::string> recipients,
                std::string sender = "alice@sender.test") {
    MessageEnvelope envelope;
    envelope.sender = std::move(sender);
    envelope.recipients = std::move(recipients);
    envelope.client_address = "203.0.113.5";
    return MimeParser(MimeLimits{}).parse(raw, std::move(envelope));
}

PersonalLists whiteList(const char* entry) {
    PersonalLists lists;
    lists.white.push_back(*ListEntry::parseAddress(entry, ListDirection::From));
    return lists;
}

const RecipientVerdict& verdictFor(const ContentEvaluation& evaluation, const std::string& who) {
    for (const auto& recipient : evaluation.recipients) {
        if (recipient.recipient == who) {
            return recipient;
        }
    }
    throw std::logic_error("no verdict for " + who);
}

}  // namespace

TEST(ContentDecision, ThePersonalWhitelistSavesOneRecipientsCopyOnly) {
    ContentPipeline pipeline(spamConfig());
    auto mail = message(kBrokenFrom, {"bob@example.org", "carol@example.org"});
    auto assessment = pipeline.assess(mail, {});
    auto evaluation = pipeline.decide(mail, assessment, std::nullopt,
                                      {{"bob@example.org", whiteList("sender.test")}});
    const auto& bob = verdictFor(evaluation, "bob@example.org").verdict;
    const auto& carol = verdictFor(evaluation, "carol@example.org").verdict;
    EXPECT_EQ(bob.action, VerdictAction::Accept);
    EXPECT_FALSE(bob.spam);
    EXPECT_EQ(carol.action, VerdictAction::Delete);
    EXPECT_TRUE(carol.spam);
    EXPECT_EQ(evaluation.verdict.action, VerdictAction::Accept) << "the delivered copy is Bob's";
    EXPECT_NE(evaluation.verdict.reason.find("PERSONAL_WHITELIST"), std::string::npos);
}

TEST(ContentDecision, ListsComeBeforeRulesAndHamRulesBeforeSpamRules) {
    Config config = spamConfig();
    config.lists.blacklist = {"from:sender.test"};
    config.rule_files.push_back(
        {"test.toml",
         {rule("spam subject", RuleClassification::Spam,
               condition(RuleItem::Subject, RuleCondition::Contains, "quarterly"),
               RuleAction::Deliver),
          rule("report", RuleClassification::Ham,
               condition(RuleItem::Subject, RuleCondition::EndsWith, "REPORT"))}});
    ContentPipeline blacklisting(config);
    auto mail = message(kBrokenFrom, {"bob@example.org"});
    auto listed = blacklisting.evaluate(mail, {});
    EXPECT_EQ(listed.verdict.action, VerdictAction::Delete) << listed.verdict.reason;
    EXPECT_NE(listed.verdict.reason.find("BLACKLIST from:sender.test"), std::string::npos);

    config.lists.blacklist.clear();
    auto ruled = ContentPipeline(config).evaluate(mail, {});
    EXPECT_EQ(ruled.verdict.action, VerdictAction::Accept);
    EXPECT_FALSE(ruled.verdict.spam) << "a ham rule wins over a spam rule and the score";
    EXPECT_EQ(ruled.verdict.reason, "ham: rule report");
    std::string status;
    for (const auto& header : ruled.verdict.headers) {
        status = header.name == "X-Spam-Status" ? header.value : status;
    }
    EXPECT_NE(status.find("RULE_REPORT"), std::string::npos) << status;
}

TEST(ContentDecision, AToWhitelistEntryBeatsAFromBlacklistEntry) {
    Config config = spamConfig();
    config.lists.whitelist = {"to:abuse@example.org"};
    config.lists.blacklist = {"from:sender.test"};
    ContentPipeline pipeline(config);
    auto evaluation =
        pipeline.evaluate(message(kBrokenFrom, {"abuse@example.org", "bob@example.org"}), {});
    const auto& abuse = verdictFor(evaluation, "abuse@example.org").verdict;
    EXPECT_FALSE(abuse.spam) << abuse.reason;
    EXPECT_EQ(abuse.reason, "ham: WHITELIST_TO to:abuse@example.org");
    EXPECT_EQ(verdictFor(evaluation, "bob@example.org").verdict.action, VerdictAction::Delete);
}

TEST(ContentDecision, ASpamRuleClassifiesWhateverTheScoreWithItsOwnAction) {
    Config config = defaultConfig();
    config.scoring.spam_action = SpamAction::Delete;
    config.rule_files.push_back(
        {"test.toml",
         {rule("to sales", RuleClassification::Spam,
               condition(RuleItem::EnvelopeTo, RuleCondition::StartsWith, "sales@"),
               RuleAction::Deliver),
          rule("to info", RuleClassification::Spam,
               condition(RuleItem::EnvelopeTo, RuleCondition::StartsWith, "info@"))}});
    ContentPipeline pipeline(config);
    const std::string clean =
        "From: a@sender.test\r\nTo: x@example.org\r\nDate: Tue, 1 Dec 2026 08:00:00 +0000\r\n"
        "Message-ID: <2@sender.test>\r\nSubject: hi\r\n\r\nHi\r\n";
    auto evaluation = pipeline.evaluate(
        message(clean, {"sales@example.org", "info@example.org", "bob@example.org"}), {});
    const auto& sales = verdictFor(evaluation, "sales@example.org").verdict;
    EXPECT_TRUE(sales.spam);
    EXPECT_EQ(sales.action, VerdictAction::Accept) << "action deliver: tagged, delivered";
    EXPECT_EQ(verdictFor(evaluation, "info@example.org").verdict.action, VerdictAction::Delete)
        << "same as the spam setting";
    EXPECT_FALSE(verdictFor(evaluation, "bob@example.org").verdict.spam);
    EXPECT_TRUE(evaluation.verdict.spam) << "the delivered copy shows the spammiest verdict";
}

TEST(ContentDecision, TheAutoWhitelistLearnsTheWeightedScoreOfTheChecks) {
    ContentPipeline pipeline(spamConfig());
    auto mail = message(kBrokenFrom, {"bob@example.org"});
    auto assessment = pipeline.assess(mail, {{"SPF_FAIL", 1.5, ""}});
    EXPECT_DOUBLE_EQ(assessment.score, 11.5) << "weights apply before the AWL learns";
    auto evaluation = pipeline.decide(mail, assessment, Symbol{"AWL", -6.0, "mean"}, {});
    EXPECT_DOUBLE_EQ(evaluation.verdict.score, 5.5);
}
