// The per-recipient plan and its collapse into one answer (see ActionPlan.hpp).
#include "gateway/engine/ActionPlan.hpp"

#include <algorithm>

namespace mailgate {

const char* recipientActionName(RecipientActionKind kind) {
    switch (kind) {
        case RecipientActionKind::Accept:
            return "accept";
        case RecipientActionKind::Tempfail:
            return "tempfail";
        case RecipientActionKind::Reject:
            return "reject";
        case RecipientActionKind::Delete:
            return "delete";
        case RecipientActionKind::Quarantine:
            return "quarantine";
        case RecipientActionKind::Redirect:
            return "redirect";
    }
    return "accept";
}

const char* messageAnswerName(MessageAnswer::Kind kind) {
    switch (kind) {
        case MessageAnswer::Kind::Accept:
            return "accept";
        case MessageAnswer::Kind::Tempfail:
            return "tempfail";
        case MessageAnswer::Kind::Reject:
            return "reject";
        case MessageAnswer::Kind::Discard:
            return "delete";
    }
    return "accept";
}

MessageAnswer ActionPlan::collapse() const {
    using Kind = RecipientActionKind;
    MessageAnswer answer;
    const RecipientAction* firstReject = nullptr;
    bool someoneGetsACopy = false;
    for (const auto& action : recipients) {
        if (action.kind == Kind::Tempfail) {
            answer.kind = MessageAnswer::Kind::Tempfail;
            answer.reply = action.reply;
            return answer;
        }
        if (action.kind == Kind::Reject && firstReject == nullptr) {
            firstReject = &action;
        }
        someoneGetsACopy = someoneGetsACopy || action.kind == Kind::Accept ||
                           action.kind == Kind::Redirect || action.kind == Kind::Quarantine;
    }
    if (!someoneGetsACopy) {
        answer.kind = firstReject ? MessageAnswer::Kind::Reject : MessageAnswer::Kind::Discard;
        if (firstReject) {
            answer.reply = firstReject->reply;
        }
        return answer;
    }
    // Every copy in the quarantine (or deleted), none through the MTA: nothing to deliver.
    bool throughTheMta = std::any_of(recipients.begin(), recipients.end(), [](const auto& action) {
        return action.kind != Kind::Delete && action.kind != Kind::Quarantine;
    });
    if (!throughTheMta) {
        answer.kind = MessageAnswer::Kind::Discard;
        return answer;
    }
    for (const auto& action : recipients) {
        switch (action.kind) {
            case Kind::Delete:
            case Kind::Quarantine:
                answer.remove_recipients.push_back(action.recipient);
                break;
            case Kind::Redirect:
                if (!action.keep_original) {
                    answer.remove_recipients.push_back(action.recipient);
                }
                answer.add_recipients.push_back(action.redirect_to);
                break;
            case Kind::Reject:
                answer.delivered_instead_of_rejected.push_back(action.recipient);
                break;
            case Kind::Accept:
            case Kind::Tempfail:
                break;
        }
    }
    return answer;
}

}  // namespace mailgate
