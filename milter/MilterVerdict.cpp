// The verdict applied to the message (see MilterVerdict.hpp).
#include "milter/MilterVerdict.hpp"

#include <strings.h>

#include <stdexcept>
#include <string>

#include "gateway/message/HeaderFolding.hpp"
#include "milter/MilterCallbacks.hpp"

namespace mailgate {
namespace {

constexpr std::string_view kOwnHeaders[] = {"X-Mailgate-Id", "X-Mailgate-Policy", "X-Spam-Flag",
                                            "X-Spam-Score",  "X-Spam-Level",      "X-Spam-Status"};

char* writable(const std::string& text) {
    return const_cast<char*>(text.c_str());
}

void removeOwnHeaders(SMFICTX* context, const MilterSession& session) {
    for (const auto& [name, count] : session.own_headers) {
        for (int index = count; index >= 1; --index) {
            if (smfi_chgheader(context, writable(name), index, nullptr) != MI_SUCCESS) {
                throw std::runtime_error("cannot remove a forged " + name + " header");
            }
        }
    }
}

void addHeader(SMFICTX* context, const HeaderField& header) {
    std::string value = foldHeaderValue(header.value, header.name.size());
    if (smfi_addheader(context, writable(header.name), writable(value)) != MI_SUCCESS) {
        throw std::runtime_error("cannot add the " + header.name + " header");
    }
}

// At the top, in their order, as the policy stage would have prepended them.
void insertStageHeaders(SMFICTX* context, const std::vector<HeaderField>& headers) {
    for (auto header = headers.rbegin(); header != headers.rend(); ++header) {
        std::string value = foldHeaderValue(header->value, header->name.size());
        if (smfi_insheader(context, 0, writable(header->name), writable(value)) != MI_SUCCESS) {
            throw std::runtime_error("cannot add the " + header->name + " header");
        }
    }
}

void setSubject(SMFICTX* context, const MilterSession& session, const std::string& subject) {
    std::string value = foldHeaderValue(subject, 7);
    char name[] = "Subject";
    int done = session.subject_seen ? smfi_chgheader(context, name, 1, writable(value))
                                    : smfi_addheader(context, name, writable(value));
    if (done != MI_SUCCESS) {
        throw std::runtime_error("cannot set the Subject");
    }
}

// The recipients without a copy go, redirected copies come (ActionPlan's collapse).
void changeRecipients(SMFICTX* context, const MessageAnswer& answer) {
    for (const auto& recipient : answer.remove_recipients) {
        if (recipient.empty()) {
            continue;
        }
        std::string address = "<" + recipient + ">";
        if (smfi_delrcpt(context, writable(address)) != MI_SUCCESS) {
            throw std::runtime_error("cannot remove recipient " + recipient);
        }
    }
    for (const auto& recipient : answer.add_recipients) {
        std::string address = "<" + recipient + ">";
        if (smfi_addrcpt(context, writable(address)) != MI_SUCCESS) {
            throw std::runtime_error("cannot add recipient " + recipient);
        }
    }
}

void setReply(SMFICTX* context, const SmtpReply& reply) {
    std::string code = std::to_string(reply.code);
    std::string text = foldHeaderValue(reply.text, 0, 1000);  // one line, no CR/LF
    for (char& c : text) {
        c = c == '%' ? ' ' : c;  // smfi_setreply reads the text as a format
    }
    std::string status = reply.status;
    if (smfi_setreply(context, writable(code), writable(status), writable(text)) != MI_SUCCESS) {
        throw std::runtime_error("cannot set the reply");
    }
}

}  // namespace

std::string_view ownHeaderSpelling(std::string_view name) {
    for (auto own : kOwnHeaders) {
        if (own.size() == name.size() && strncasecmp(own.data(), name.data(), name.size()) == 0) {
            return own;
        }
    }
    return {};
}

sfsistat applyDecision(SMFICTX* context, MilterSession& session, const ContentDecision& decision,
                       const std::vector<HeaderField>& stageHeaders) {
    const MessageAnswer& answer = decision.answer;
    switch (answer.kind) {
        case MessageAnswer::Kind::Reject:
            if (answer.reply) {
                setReply(context, *answer.reply);
            }
            return SMFIS_REJECT;
        case MessageAnswer::Kind::Tempfail:
            if (answer.reply) {
                setReply(context, *answer.reply);
            }
            return SMFIS_TEMPFAIL;
        case MessageAnswer::Kind::Discard:
            return SMFIS_DISCARD;
        case MessageAnswer::Kind::Accept:
            break;
    }
    const Verdict& verdict = decision.verdict;
    changeRecipients(context, answer);
    removeOwnHeaders(context, session);
    insertStageHeaders(context, stageHeaders);
    addHeader(context, {kMailgateIdHeader, session.mailgate_id});
    for (const auto& header : verdict.headers) {
        addHeader(context, header);
    }
    if (verdict.subject) {
        setSubject(context, session, *verdict.subject);
    }
    return SMFIS_CONTINUE;
}

}  // namespace mailgate
