// Verdict: what the content stage decided about one message, computed once by the
// Scorer from every symbol (the content checks' and the policy stage's): the score
// against the threshold, spam or not, the action (accept, possibly tagged; delete;
// reject with its reply; tempfail when a check could not judge and its policy says so;
// quarantine, once the quarantine exists), the headers to add and the new Subject, if
// any. ContentStage turns each recipient's verdict into its action in the ActionPlan;
// `mailgatectl scan` prints them. Plain data.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "gateway/engine/CheckOutcome.hpp"

namespace mailgate {

enum class VerdictAction { Accept, Delete, Reject, Tempfail, Quarantine };

struct Verdict {
    bool scanned = true;
    std::string not_scanned_reason;  // when !scanned: "too big", "authenticated sender"
    double score = 0;
    double required = 0;  // scoring.spam_threshold
    bool spam = false;
    VerdictAction action = VerdictAction::Accept;
    std::string reason;           // why this action, for the log line
    std::vector<Symbol> symbols;  // weights applied
    std::vector<HeaderField> headers;
    std::optional<std::string> subject;  // the new Subject value (raw, as it will be written)
    std::optional<SmtpReply> reply;      // with Reject and Tempfail
};

const char* verdictActionName(VerdictAction action);

}  // namespace mailgate
