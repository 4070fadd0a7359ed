// Unit tests of the content stage's logic: the header syntax check (B4), broken MIME as
// symbols (C12), the scorer's verdicts, headers and Subject tag (C7, C8), the stage
// (authenticated senders, size limit, policy-stage symbols), header folding and the
// message buffer's spill file.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "gateway/checks/broken_mime/BrokenMimeCheck.hpp"
#include "gateway/checks/header_syntax/HeaderSyntaxCheck.hpp"
#include "gateway/config/SettingSpec.hpp"
#include "gateway/engine/ContentStage.hpp"
#include "gateway/engine/Scorer.hpp"
#include "gateway/message/HeaderFolding.hpp"
#include "gateway/message/MessageBuffer.hpp"

using namespace mailgate;

namespace {

Message parsed(const std::string& raw, MessageEnvelope envelope = {}) {
    return MimeParser(MimeLimits{}).parse(raw, std::move(envelope));
}

const Symbol* find(const std::vector<Symbol>& symbols, const std::string& name) {
    for (const auto& symbol : symbols) {
        if (symbol.name == name) {
            return &symbol;
        }
    }
    return nullptr;
}

const std::string kClean =
    "From: Alice <alice@example.com>\r\nTo: bob@example.org\r\nDate: Tue, 1 Dec 2026 08:00:00 "
    "+0000\r\nMessage-ID: <1@example.com>\r\nSubject: hello\r\n\r\nHi Bob\r\n";

std::string value(const Verdict& verdict, const std::string& name) {
    for (const auto& header : verdict.headers) {
        if (header.name == name) {
            return header.value;
        }
    }
    return "(none)";
}

}  // namespace

TEST(HeaderSyntaxCheck, CleanMessageHasNoFindings) {
    HeaderSyntaxCheck check(defaultConfig().header_checks);
    auto outcome = check.check(parsed(kClean));
    EXPECT_TRUE(outcome.symbols.empty()) << outcome.symbols[0].name;
}

TEST(HeaderSyntaxCheck, BrokenAddressesMissingAndDoubledFields) {
    HeaderSyntaxCheck check(defaultConfig().header_checks);
    auto outcome = check.check(
        parsed("From: root\r\nFrom: x@example.com\r\nTo: <broken@\r\nCc: ok@example.com\r\n"
               "Subject: a\r\nSubject: b\r\n\r\nbody\r\n"));
    for (const char* name : {"HEADER_FROM_INVALID", "HEADER_TO_INVALID", "DUPLICATE_FROM",
                             "MISSING_DATE", "MISSING_MESSAGE_ID", "DUPLICATE_SUBJECT"}) {
        EXPECT_NE(find(outcome.symbols, name), nullptr) << name;
    }
    EXPECT_EQ(find(outcome.symbols, "HEADER_CC_INVALID"), nullptr);
    EXPECT_DOUBLE_EQ(find(outcome.symbols, "HEADER_FROM_INVALID")->score, 3.0);
    EXPECT_FALSE(outcome.reply);  // action score
    auto missingFrom = check.check(parsed("To: a@b.c\r\n\r\nx\r\n"));
    EXPECT_NE(find(missingFrom.symbols, "MISSING_FROM"), nullptr);
}

TEST(HeaderSyntaxCheck, RejectModeRejectsBadAddressesButNotMissingDate) {
    HeaderCheckSettings settings = defaultConfig().header_checks;
    settings.action = ClientCheckAction::Reject;
    HeaderSyntaxCheck check(settings);
    auto broken = check.check(parsed("From: <nobody\r\nDate: x\r\n\r\nx\r\n"));
    ASSERT_TRUE(broken.rejects());
    EXPECT_EQ(broken.reply->code, 550);
    EXPECT_NE(broken.reply->text.find("From header does not parse"), std::string::npos);
    auto undated = check.check(parsed("From: a@example.com\r\n\r\nx\r\n"));
    EXPECT_FALSE(undated.reply);
    EXPECT_NE(find(undated.symbols, "MISSING_DATE"), nullptr);
}

TEST(BrokenMimeCheck, DefectsBecomeOneSymbolPerKind) {
    BrokenMimeCheck check(defaultConfig().mime_checks);
    auto outcome = check.check(parsed(
        "From: a@b.c\r\nSubject: caf\xE9\r\nContent-Type: multipart/mixed; boundary=q\r\n\r\n"
        "--q\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!!\r\n"
        "--q\r\nContent-Transfer-Encoding: base64\r\n\r\n####\r\n"));
    ASSERT_NE(find(outcome.symbols, "MIME_BAD_BOUNDARY"), nullptr);
    ASSERT_NE(find(outcome.symbols, "MIME_BAD_TRANSFER_ENCODING"), nullptr);
    EXPECT_NE(find(outcome.symbols, "MIME_8BIT_HEADER"), nullptr);
    EXPECT_DOUBLE_EQ(find(outcome.symbols, "MIME_BAD_BOUNDARY")->score, 1.5);
    EXPECT_FALSE(outcome.reply);
    std::size_t encodings = 0;
    for (const auto& symbol : outcome.symbols) {
        encodings += symbol.name == "MIME_BAD_TRANSFER_ENCODING";
    }
    EXPECT_EQ(encodings, 1u);
    MessageEnvelope utf8;
    utf8.smtputf8 = true;
    auto allowed = check.check(parsed("From: a@b.c\r\nSubject: caf\xC3\xA9\r\n\r\nx\r\n", utf8));
    EXPECT_EQ(find(allowed.symbols, "MIME_8BIT_HEADER"), nullptr);
    EXPECT_TRUE(check.check(parsed(kClean)).symbols.empty());
}

TEST(Scorer, HamSpamAndTheHeadersSpamAssassinWrites) {
    Scorer scorer(defaultConfig().scoring);
    auto ham = scorer.decide({{"MISSING_DATE", 1.0, ""}}, std::nullopt, "hello", true);
    EXPECT_FALSE(ham.spam);
    EXPECT_EQ(ham.action, VerdictAction::Accept);
    EXPECT_EQ(value(ham, "X-Spam-Flag"), "(none)");
    EXPECT_EQ(
        value(ham, "X-Spam-Status").rfind("No, score=1.0 required=5.0 tests=MISSING_DATE ", 0), 0u);
    auto spam = scorer.decide({{"B_RULE", 4.0, ""}, {"A_RULE", 3.3, ""}, {"ZERO", 0.0, ""}},
                              std::nullopt, "hello", true);
    EXPECT_TRUE(spam.spam);
    EXPECT_EQ(value(spam, "X-Spam-Flag"), "YES");
    EXPECT_EQ(value(spam, "X-Spam-Score"), "7.3");
    EXPECT_EQ(value(spam, "X-Spam-Level"), "*******");
    EXPECT_EQ(value(spam, "X-Spam-Status")
                  .rfind("Yes, score=7.3 required=5.0 tests=A_RULE,B_RULE "
                         "version=mailgate-",
                         0),
              0u);
    EXPECT_FALSE(spam.subject);  // no tag configured
}

TEST(Scorer, WeightsWithoutABayesOpinion) {
    ScoringSettings settings = defaultConfig().scoring;
    settings.symbol_weights = {"PHRASE_X=1", "BAYES_SPAM_99=5"};
    settings.symbol_weights_without_bayes = {"PHRASE_X=3"};
    Scorer scorer(settings);
    // No Bayes opinion (Bayes off, untrained or down): the no-Bayes set first.
    EXPECT_DOUBLE_EQ(scorer.weightedTotal({{"PHRASE_X", 0.5, ""}, {"OTHER", 1.0, ""}}), 4.0);
    EXPECT_DOUBLE_EQ(scorer.weightedTotal({{"PHRASE_X", 0.5, ""}, {"BAYES_UNAVAILABLE", 0.0, ""}}),
                     3.0);
    // An opinion, even an unsure one: symbol_weights.
    EXPECT_DOUBLE_EQ(scorer.weightedTotal({{"PHRASE_X", 0.5, ""}, {"BAYES_UNSURE", 0.0, ""}}), 1.0);
    auto verdict = scorer.decide({{"PHRASE_X", 0.5, ""}, {"BAYES_SPAM_99", 2.0, ""}}, std::nullopt,
                                 std::nullopt, true);
    EXPECT_DOUBLE_EQ(verdict.score, 6.0);
    auto alone = scorer.decide({{"PHRASE_X", 0.5, ""}}, std::nullopt, std::nullopt, true);
    EXPECT_DOUBLE_EQ(alone.score, 3.0);
    EXPECT_DOUBLE_EQ(alone.symbols[0].score, 3.0);  // the score shown is the one counted
    EXPECT_TRUE(hasBayesOpinion({{"BAYES_HAM_01", -2.0, ""}}));
    EXPECT_FALSE(hasBayesOpinion({{"BAYES_UNAVAILABLE", 0.0, ""}, {"BAYESIAN", 1.0, ""}}));
}

TEST(Scorer, ActionsThresholdsWeightsAndTheSubjectTag) {
    ScoringSettings settings = defaultConfig().scoring;
    settings.subject_tag = "---spam---";
    settings.subject_score_tag = true;
    settings.symbol_weights = {"LOUD=20", "QUIET=0"};
    settings.reject_threshold = 15;
    Scorer scorer(settings);
    auto tagged =
        scorer.decide({{"SPAMMY", 6.0, ""}, {"QUIET", 50.0, ""}}, std::nullopt, "Buy now", true);
    EXPECT_EQ(tagged.action, VerdictAction::Accept);
    ASSERT_TRUE(tagged.subject);
    EXPECT_EQ(*tagged.subject, "---spam--- [6.0] Buy now");
    auto outbound = scorer.decide({{"SPAMMY", 6.0, ""}}, std::nullopt, "Buy now", false);
    EXPECT_FALSE(outbound.subject);  // the tag is for mail coming in only
    auto rejected = scorer.decide({{"LOUD", 1.0, ""}}, std::nullopt, std::nullopt, true);
    EXPECT_EQ(rejected.action, VerdictAction::Reject);
    ASSERT_TRUE(rejected.reply);
    EXPECT_EQ(rejected.reply->toString(), "550 5.7.1 Message rejected as spam (score 20.0)");
    settings.reject_threshold = 0;
    settings.spam_action = SpamAction::Delete;
    EXPECT_EQ(Scorer(settings).decide({{"SPAMMY", 9.0, ""}}, std::nullopt, "x", true).action,
              VerdictAction::Delete);
    SmtpReply fromCheck = rejectReply("5.7.1", "Message rejected: From header does not parse");
    auto byCheck = scorer.decide({}, fromCheck, "x", true);
    EXPECT_EQ(byCheck.action, VerdictAction::Reject);
    EXPECT_EQ(byCheck.reply->text, fromCheck.text);
}

TEST(ContentStage, PolicySymbolsCountAndAuthenticatedMailCanSkip) {
    Config config = defaultConfig();
    Services services;
    ContentStage pipeline(config, services);
    MessageEnvelope envelope;
    envelope.client_address = "192.0.2.7";
    auto result = pipeline.decideNow(std::make_shared<const Message>(parsed(kClean, envelope)),
                                     {{"DNSBL_ZEN", 6.0, "listed"}});
    EXPECT_TRUE(result.verdict.spam);
    EXPECT_NE(find(result.verdict.symbols, "DNSBL_ZEN"), nullptr);
    // Every message check of the defaults ran (header syntax and shape, the Date, sender
    // identity, mail client, Received chain, Subject shape, broken MIME, HTML features, URL
    // facts); the lists, rules and Bayes have nothing to say.
    EXPECT_EQ(result.checks.size(), 10u);
    EXPECT_TRUE(pipeline.isInbound(envelope));
    envelope.client_address = "127.0.0.1";  // relay.trusted_networks
    EXPECT_FALSE(pipeline.isInbound(envelope));
    envelope.authenticated_user = "alice";
    EXPECT_EQ(pipeline.reasonNotToScan(envelope, 100), "");
    config.content.filter_authenticated = false;
    EXPECT_NE(ContentStage(config, services).reasonNotToScan(envelope, 100), "");
    EXPECT_NE(pipeline.reasonNotToScan(MessageEnvelope{}, std::uint64_t{1} << 40), "");
    EXPECT_FALSE(ContentStage::unscannedVerdict("too big").scanned);
}

TEST(HeaderFolding, NoLineBreaksGetThroughAndLongValuesFold) {
    EXPECT_EQ(foldHeaderValue("a\r\nInjected: yes", 6), "a  Injected: yes");
    std::string tests;
    for (int i = 0; i < 40; ++i) {
        tests += (i ? "," : "") + std::string("SYMBOL_NUMBER_") + std::to_string(i);
    }
    std::string folded = foldHeaderValue("Yes, score=9.0 tests=" + tests, 13);
    std::size_t start = 0;
    while (true) {
        auto end = folded.find("\n\t", start);
        EXPECT_LE((end == std::string::npos ? folded.size() : end) - start, 80u);
        if (end == std::string::npos) {
            break;
        }
        start = end + 2;
    }
    EXPECT_NE(folded.find("\n\t"), std::string::npos);
}

TEST(MessageBuffer, SpillsToAFileRemovedAfterward) {
    auto directory = std::filesystem::temp_directory_path();
    std::string path;
    {
        MessageBuffer buffer(16, 1000, directory.string());
        ASSERT_TRUE(buffer.append("0123456789").ok());
        EXPECT_FALSE(buffer.inFile());
        ASSERT_TRUE(buffer.append("abcdefghij").ok());
        ASSERT_TRUE(buffer.inFile());
        path = buffer.path();
        std::ifstream in(path);
        std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        EXPECT_EQ(content, "0123456789abcdefghij");
        EXPECT_EQ(std::filesystem::status(path).permissions() & std::filesystem::perms::others_read,
                  std::filesystem::perms::none);
    }
    EXPECT_FALSE(std::filesystem::exists(path));
    MessageBuffer tooBig(16, 20, directory.string());
    ASSERT_TRUE(tooBig.append(std::string(30, 'x')).ok());
    EXPECT_TRUE(tooBig.oversize());
    MessageBuffer nowhere(4, 1000, "/nonexistent/directory");
    EXPECT_FALSE(nowhere.append("more than four").ok());
}
