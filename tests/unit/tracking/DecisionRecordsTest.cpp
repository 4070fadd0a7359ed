// Tests of the tracking records built from the stages' decisions (E2): a policy reply is
// rejected, deferred or greylisted by the check that asked for it, warn_only records what
// Postfix really did (accepted), and a message's record says what happened to each
// recipient's copy with its score.
#include <gtest/gtest.h>

#include "gateway/tracking/DecisionRecords.hpp"

using namespace mailgate;

namespace {

SmtpSession rcptSession() {
    SmtpSession session;
    session.client_address = *IpAddress::parse("192.0.2.9");
    session.client_name = "unknown";
    session.helo = "client.example";
    session.sender = "alice@example.org";
    session.recipients = {"bob@example.net"};
    return session;
}

SmtpStageVerdict verdictFrom(std::string check, SmtpReply reply) {
    SmtpStageVerdict verdict;
    SmtpStageCheckResult result;
    result.check = std::move(check);
    result.outcome.reply = reply;
    verdict.post_filters.push_back(result);
    verdict.merged.reply = reply;
    return verdict;
}

RecipientAction planned(std::string recipient, RecipientActionKind kind,
                        std::optional<SmtpReply> reply = std::nullopt) {
    RecipientAction action;
    action.recipient = std::move(recipient);
    action.kind = kind;
    action.reply = std::move(reply);
    return action;
}

}  // namespace

TEST(DecisionRecords, PolicyAcceptHasNoReply) {
    auto record = policyDecisionRecord(rcptSession(), "", "RCPT", SmtpStageVerdict{}, false);
    EXPECT_EQ(record.stage, TrackingStage::Policy);
    EXPECT_EQ(record.action, TrackingAction::Accepted);
    EXPECT_EQ(record.client_address, "192.0.2.9");
    ASSERT_EQ(record.recipients.size(), 1u);
    EXPECT_EQ(record.recipients[0].action, TrackingAction::Accepted);
    EXPECT_TRUE(record.reply.empty());
}

TEST(DecisionRecords, GreylistingsDeferralIsGreylisted) {
    auto verdict = verdictFrom("greylist", temporaryFailureReply("4.7.1", "Greylisted", 450));
    auto record = policyDecisionRecord(rcptSession(), "", "RCPT", verdict, false);
    EXPECT_EQ(record.action, TrackingAction::Greylisted);
    EXPECT_EQ(record.check, "greylist");
    EXPECT_EQ(record.reply, "450 4.7.1 Greylisted");
    EXPECT_EQ(record.recipients[0].action, TrackingAction::Greylisted);
}

TEST(DecisionRecords, OtherRepliesAreRejectedOrDeferred) {
    auto reject = verdictFrom("relay", rejectReply("5.7.1", "Relay access denied", 554));
    EXPECT_EQ(policyDecisionRecord(rcptSession(), "", "RCPT", reject, false).action,
              TrackingAction::Rejected);
    auto defer = verdictFrom("dnsbl", temporaryFailureReply("4.7.1", "try later"));
    auto deferred = policyDecisionRecord(rcptSession(), "Q1", "RCPT", defer, false);
    EXPECT_EQ(deferred.action, TrackingAction::Deferred);
    EXPECT_EQ(deferred.queue_id, "Q1");
}

TEST(DecisionRecords, WarnOnlyRecordsWhatPostfixDid) {
    auto reject = verdictFrom("relay", rejectReply("5.7.1", "Relay access denied", 554));
    auto record = policyDecisionRecord(rcptSession(), "", "RCPT", reject, true);
    EXPECT_EQ(record.action, TrackingAction::Accepted);
    EXPECT_EQ(record.reply, "554 5.7.1 Relay access denied");
    EXPECT_FALSE(record.reason.empty());
}

TEST(DecisionRecords, ContentRecordSaysWhatHappenedToEachCopy) {
    MessageEnvelope envelope;
    envelope.queue_id = "ABC123";
    envelope.sender = "alice@example.org";
    envelope.recipients = {"bob@example.net", "carol@example.net", "dave@example.net"};
    ContentDecision decision;
    decision.verdict.score = 7.25;
    decision.verdict.required = 5;
    decision.verdict.spam = true;
    decision.verdict.reason = "score";
    decision.plan.recipients = {planned("bob@example.net", RecipientActionKind::Accept),
                                planned("carol@example.net", RecipientActionKind::Quarantine),
                                planned("dave@example.net", RecipientActionKind::Delete)};
    decision.answer = decision.plan.collapse();
    auto record = contentDecisionRecord(envelope, "MG-7", decision);
    EXPECT_EQ(record.stage, TrackingStage::Content);
    EXPECT_EQ(record.action, TrackingAction::Tagged);
    EXPECT_EQ(record.queue_id, "ABC123");
    EXPECT_EQ(record.mailgate_id, "MG-7");
    ASSERT_EQ(record.recipients.size(), 3u);
    EXPECT_EQ(record.recipients[0].action, TrackingAction::Tagged);
    EXPECT_EQ(record.recipients[1].action, TrackingAction::Quarantined);
    EXPECT_EQ(record.recipients[2].action, TrackingAction::Deleted);
    ASSERT_TRUE(record.score.has_value());
    EXPECT_DOUBLE_EQ(*record.score, 7.25);
}

TEST(DecisionRecords, RejectedMessageRecordsItsReplyForEveryone) {
    MessageEnvelope envelope;
    envelope.recipients = {"bob@example.net"};
    ContentDecision decision;
    decision.verdict.action = VerdictAction::Reject;
    decision.plan.recipients = {
        planned("bob@example.net", RecipientActionKind::Reject, rejectReply("5.7.1", "spam"))};
    decision.answer = decision.plan.collapse();
    auto record = contentDecisionRecord(envelope, "MG-8", decision);
    EXPECT_EQ(record.action, TrackingAction::Rejected);
    EXPECT_EQ(record.reply, "550 5.7.1 spam");
    EXPECT_EQ(record.recipients[0].action, TrackingAction::Rejected);
}
