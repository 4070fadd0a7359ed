// Unit tests of how the content stage decides per recipient (C3, C4, docs/features.md): the
// precedence global lists > "to:" lists > ham rule > spam rule > score, a spam rule's own
// action, Envelope-To rules judged per recipient, the copy that is delivered carrying the
// spammiest accepted recipient's verdict, and the ActionPlan's collapse into one answer.
// Personal lists and the auto-whitelist, which live in Redis, are tested against a real
// one in tests/store/ContentStageStoreTest.cpp. Rule matching itself is covered by the
// golden tests (tests/integration/test_C3_rules_golden.py).
#include <gtest/gtest.h>

#include "gateway/config/SettingSpec.hpp"
#include "gateway/engine/ContentStage.hpp"

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

// The content stage of a config without Redis: no personal lists, no auto-whitelist.
struct Stage {
    explicit Stage(const Config& config) : stage(config, services) {}
    ContentDecision evaluate(const Message& mail, std::vector<Symbol> policySymbols) const {
        return stage.decideNow(std::make_shared<const Message>(mail), std::move(policySymbols));
    }
    Services services;
    ContentStage stage;
};

const RecipientDecision& verdictFor(const ContentDecision& evaluation, const std::string& who) {
    for (const auto& recipient : evaluation.recipients) {
        if (recipient.recipient == who) {
            return recipient;
        }
    }
    throw std::logic_error("no verdict for " + who);
}

}  // namespace

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
    Stage blacklisting(config);
    auto mail = message(kBrokenFrom, {"bob@example.org"});
    auto listed = blacklisting.evaluate(mail, {});
    EXPECT_EQ(listed.verdict.action, VerdictAction::Delete) << listed.verdict.reason;
    EXPECT_NE(listed.verdict.reason.find("BLACKLIST from:sender.test"), std::string::npos);

    config.lists.blacklist.clear();
    auto ruled = Stage(config).evaluate(mail, {});
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
    Stage pipeline(config);
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
    Stage pipeline(config);
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

TEST(ActionPlan, OneAnswerPerMessage) {
    using Kind = RecipientActionKind;
    auto plan = [](std::vector<Kind> kinds) {
        ActionPlan built;
        int n = 0;
        for (auto kind : kinds) {
            RecipientAction action;
            action.recipient = "r" + std::to_string(n++) + "@example.org";
            action.kind = kind;
            if (kind == Kind::Reject) {
                action.reply = rejectReply("5.7.1", "no");
            } else if (kind == Kind::Tempfail) {
                action.reply = temporaryFailureReply("4.7.1", "later");
            } else if (kind == Kind::Redirect) {
                action.redirect_to = "abuse@example.org";
            }
            built.recipients.push_back(action);
        }
        return built.collapse();
    };
    EXPECT_EQ(plan({Kind::Accept, Kind::Accept}).kind, MessageAnswer::Kind::Accept);
    auto tempfail = plan({Kind::Accept, Kind::Tempfail, Kind::Reject});
    EXPECT_EQ(tempfail.kind, MessageAnswer::Kind::Tempfail) << "a retry loses nothing";
    EXPECT_EQ(tempfail.reply->code, 451);
    auto rejected = plan({Kind::Delete, Kind::Reject});
    EXPECT_EQ(rejected.kind, MessageAnswer::Kind::Reject) << "nobody gets a copy: say so";
    EXPECT_EQ(rejected.reply->status, "5.7.1");
    EXPECT_EQ(plan({Kind::Delete, Kind::Delete}).kind, MessageAnswer::Kind::Discard);
    EXPECT_EQ(plan({Kind::Quarantine, Kind::Delete}).kind, MessageAnswer::Kind::Discard)
        << "every copy is in the quarantine: nothing goes through the MTA";
    auto held = plan({Kind::Quarantine, Kind::Reject});
    EXPECT_EQ(held.kind, MessageAnswer::Kind::Accept) << "the quarantine holds a copy: no reject";
    EXPECT_EQ(held.remove_recipients, std::vector<std::string>{"r0@example.org"});
    EXPECT_EQ(held.delivered_instead_of_rejected, std::vector<std::string>{"r1@example.org"});
    auto mixed = plan({Kind::Accept, Kind::Delete, Kind::Reject, Kind::Redirect});
    EXPECT_EQ(mixed.kind, MessageAnswer::Kind::Accept);
    EXPECT_EQ(mixed.remove_recipients,
              (std::vector<std::string>{"r1@example.org", "r3@example.org"}));
    EXPECT_EQ(mixed.add_recipients, std::vector<std::string>{"abuse@example.org"});
    EXPECT_EQ(mixed.delivered_instead_of_rejected, std::vector<std::string>{"r2@example.org"})
        << "a reject cannot be said to one recipient after DATA; removing it would lose it";
}

TEST(ContentDecision, ARejectingRecipientAmongAcceptingOnesGetsTheCopyMarkedAsSpam) {
    Config config = defaultConfig();
    config.scoring.spam_action = SpamAction::Reject;
    config.scoring.subject_tag = "[SPAM]";
    config.lists.whitelist = {"to:boss@example.org"};
    config.scoring.symbol_weights = {"HEADER_FROM_INVALID=10"};
    Stage stage(config);
    auto evaluation =
        stage.evaluate(message(kBrokenFrom, {"boss@example.org", "bob@example.org"}), {});
    EXPECT_EQ(verdictFor(evaluation, "bob@example.org").verdict.action, VerdictAction::Reject);
    EXPECT_EQ(evaluation.answer.kind, MessageAnswer::Kind::Accept);
    EXPECT_EQ(evaluation.answer.delivered_instead_of_rejected,
              std::vector<std::string>{"bob@example.org"});
    EXPECT_TRUE(evaluation.verdict.spam) << "the one copy shows Bob's spam verdict";
    EXPECT_EQ(evaluation.verdict.action, VerdictAction::Accept);
    ASSERT_TRUE(evaluation.verdict.subject);
    EXPECT_EQ(*evaluation.verdict.subject, "[SPAM] the quarterly report");
}
