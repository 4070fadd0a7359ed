// Verdict: what the content stage decided about one message, computed once by the
// Scorer from every symbol (the content checks' and the policy stage's): the score
// against the threshold, spam or not, the action (accept, possibly tagged; delete;
// reject with its reply), the headers to add and the new Subject, if any. The milter
// applies it; `mailgatectl scan` prints it. Plain data.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "gateway/check/CheckOutcome.hpp"

namespace mailgate {

enum class VerdictAction { Accept, Delete, Reject };

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
    std::optional<SmtpReply> reply;      // with Reject
};

const char* verdictActionName(VerdictAction action);

}  // namespace mailgate
