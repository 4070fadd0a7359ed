// Tracking records of the stages' decisions (see DecisionRecords.hpp).
#include "gateway/tracking/DecisionRecords.hpp"

#include <algorithm>

#include "gateway/util/AsciiCase.hpp"

namespace mailgate {
namespace {

bool sameReply(const SmtpReply& first, const SmtpReply& second) {
    return first.kind == second.kind && first.code == second.code &&
           first.status == second.status && first.text == second.text;
}

// The check whose reply became the merged one: the first in registry order that asked
// for it (the merge keeps the first of equals, so this is the one Postfix heard).
std::string decidingCheck(const SmtpStageVerdict& verdict) {
    const SmtpReply& merged = *verdict.merged.reply;
    for (const auto* results : {&verdict.filters.checks, &verdict.post_filters}) {
        for (const auto& result : *results) {
            if (result.outcome.reply && sameReply(*result.outcome.reply, merged)) {
                return result.check;
            }
        }
    }
    return {};
}

TrackingAction recipientAction(const RecipientAction& planned, const ContentDecision& decision) {
    switch (planned.kind) {
        case RecipientActionKind::Accept:
            for (const auto& recipient : decision.recipients) {
                if (recipient.recipient == planned.recipient) {
                    return recipient.verdict.spam ? TrackingAction::Tagged
                                                  : TrackingAction::Delivered;
                }
            }
            return decision.verdict.spam ? TrackingAction::Tagged : TrackingAction::Delivered;
        case RecipientActionKind::Delete:
            return TrackingAction::Deleted;
        case RecipientActionKind::Quarantine:
            return TrackingAction::Quarantined;
        case RecipientActionKind::Redirect:
            return TrackingAction::Redirected;
        case RecipientActionKind::Reject:  // cannot be refused alone: delivered, marked spam
            return TrackingAction::Tagged;
        case RecipientActionKind::Tempfail:
            return TrackingAction::Deferred;
    }
    return TrackingAction::Delivered;
}

}  // namespace

TrackingRecord policyDecisionRecord(const SmtpSession& session, std::string_view queueId,
                                    std::string_view protocolState, const SmtpStageVerdict& verdict,
                                    bool warnOnly) {
    TrackingRecord record;
    record.stage = TrackingStage::Policy;
    record.protocol_state = protocolState;
    record.queue_id = queueId;
    record.client_address = session.client_address.toString();
    record.client_name = session.client_name;
    record.helo = session.helo;
    record.sender = session.sender;
    for (const auto& recipient : session.recipients) {
        record.recipients.push_back(TrackedRecipient{recipient, TrackingAction::Accepted});
    }
    record.symbols = trackingSymbolList(verdict.merged.symbols);
    record.reason = verdict.merged.dependency_failure;
    const auto& reply = verdict.merged.reply;
    if (!reply) {
        return record;
    }
    record.check = decidingCheck(verdict);
    record.reply = reply->toString();
    if (warnOnly) {
        record.reason = "policyd.warn_only: would have answered this reply";
        return record;
    }
    record.action = reply->kind == SmtpReply::Kind::Reject ? TrackingAction::Rejected
                    : record.check == "greylist"           ? TrackingAction::Greylisted
                                                           : TrackingAction::Deferred;
    for (auto& recipient : record.recipients) {
        recipient.action = record.action;
    }
    return record;
}

TrackingRecord contentDecisionRecord(const MessageEnvelope& envelope, const std::string& mailgateId,
                                     const ContentDecision& decision) {
    TrackingRecord record;
    record.stage = TrackingStage::Content;
    record.protocol_state = "END-OF-MESSAGE";
    record.queue_id = envelope.queue_id;
    record.mailgate_id = mailgateId;
    record.client_address = envelope.client_address;
    record.client_name = envelope.client_name;
    record.helo = envelope.helo;
    record.sender = envelope.sender;
    if (decision.message) {
        if (const auto* messageId = decision.message->firstHeader("Message-ID")) {
            record.message_id = normalizedMessageId(messageId->value);
        }
    }
    const Verdict& verdict = decision.verdict;
    const MessageAnswer& answer = decision.answer;
    switch (answer.kind) {
        case MessageAnswer::Kind::Accept:
            record.action = verdict.spam ? TrackingAction::Tagged : TrackingAction::Delivered;
            break;
        case MessageAnswer::Kind::Tempfail:
            record.action = TrackingAction::Deferred;
            break;
        case MessageAnswer::Kind::Reject:
            record.action = TrackingAction::Rejected;
            break;
        case MessageAnswer::Kind::Discard:  // every copy deleted, or held in the quarantine
            record.action =
                std::any_of(decision.plan.recipients.begin(), decision.plan.recipients.end(),
                            [](const auto& planned) {
                                return planned.kind == RecipientActionKind::Quarantine;
                            })
                    ? TrackingAction::Quarantined
                    : TrackingAction::Deleted;
            break;
    }
    for (const auto& planned : decision.plan.recipients) {
        bool ownAction = answer.kind == MessageAnswer::Kind::Accept ||
                         answer.kind == MessageAnswer::Kind::Discard;
        TrackingAction action = ownAction ? recipientAction(planned, decision) : record.action;
        record.recipients.push_back(TrackedRecipient{planned.recipient, action});
    }
    if (answer.reply) {
        record.reply = answer.reply->toString();
    }
    record.reason = verdict.scanned ? verdict.reason : "not scanned: " + verdict.not_scanned_reason;
    if (verdict.scanned) {
        record.score = verdict.score;
        record.required = verdict.required;
    }
    record.symbols = trackingSymbolList(verdict.symbols);
    return record;
}

}  // namespace mailgate
