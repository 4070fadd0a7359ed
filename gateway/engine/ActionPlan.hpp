// ActionPlan: what happens to each recipient's copy of a message, the content stage's
// answer (accept with the delivered copy's headers and Subject tag, tempfail, reject,
// delete, quarantine, redirect), and how those collapse into the one answer a milter
// gives per message. The SMTP protocol has a single reply after DATA, so:
//   1. a tempfail for anyone tempfails the message: the sender retries, nothing is lost;
//   2. when nobody gets a copy, a reject for anyone rejects the message (the sender is
//      told), otherwise it is discarded (every recipient's verdict was delete);
//   3. when every copy is quarantined or deleted, the message is discarded (once the
//      quarantine holds it);
//   4. otherwise the message is accepted: deleted recipients are removed, redirected
//      ones replaced or joined by their new address, quarantined ones removed once the
//      quarantine holds their copy; a recipient whose own verdict is reject still gets the
//      copy, marked as spam, because it cannot be refused for them alone and removing it
//      would lose it without telling anyone (the log names it).
// Plain data and that one rule; the milter translates the answer into libmilter calls.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "gateway/engine/CheckOutcome.hpp"

namespace mailgate {

enum class RecipientActionKind { Accept, Tempfail, Reject, Delete, Quarantine, Redirect };

const char* recipientActionName(RecipientActionKind kind);

struct RecipientAction {
    std::string recipient;
    RecipientActionKind kind = RecipientActionKind::Accept;
    std::optional<SmtpReply> reply;  // Reject, Tempfail
    std::string redirect_to;         // Redirect: the address that gets the copy instead
    bool keep_original = false;      // Redirect: the original recipient keeps a copy too
};

struct MessageAnswer {
    enum class Kind { Accept, Tempfail, Reject, Discard };
    Kind kind = Kind::Accept;
    std::optional<SmtpReply> reply;              // Tempfail, Reject
    std::vector<std::string> remove_recipients;  // Accept: no copy for them
    std::vector<std::string> add_recipients;     // Accept: redirected copies
    // Accept: recipients whose own verdict was reject, who get the copy marked as spam.
    std::vector<std::string> delivered_instead_of_rejected;
};

const char* messageAnswerName(MessageAnswer::Kind kind);

struct ActionPlan {
    std::vector<RecipientAction> recipients;

    MessageAnswer collapse() const;
};

}  // namespace mailgate
