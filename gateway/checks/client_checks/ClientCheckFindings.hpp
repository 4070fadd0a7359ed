// ClientCheckFindings: the one place where the client checks (PTR, HELO, sender domain)
// turn a finding into the symbol, score and, when the check's action is reject, the reply
// it asks for; and a DNS failure into a zero-score symbol, outcome.dependency_failure
// and, with on_dns_failure = tempfail, a temporary reply. A DNS failure never becomes a
// permanent reject here. It does not decide what counts as a finding: the checks do.
#pragma once

#include <string>
#include <utility>

#include "gateway/config/Config.hpp"
#include "gateway/engine/CheckOutcome.hpp"

namespace mailgate {

inline void recordFinding(CheckOutcome& outcome, ClientCheckAction action, std::string symbol,
                          double score, std::string detail, SmtpReply reply) {
    outcome.addSymbol(std::move(symbol), score, std::move(detail));
    // A definite finding outranks a deferral asked for earlier (Postfix's defer_if_permit).
    if (action == ClientCheckAction::Reject && !outcome.rejects()) {
        outcome.reply = std::move(reply);
    }
}

// `what` says which lookup failed and why, for logs; `replyText` is the deferral text.
inline void recordDnsFailure(CheckOutcome& outcome, ClientCheckAction action,
                             ClientCheckDnsFailure policy, std::string symbol, std::string what,
                             std::string replyText) {
    outcome.addSymbol(std::move(symbol), 0.0, what);
    outcome.dependency_failure = std::move(what);
    // Only a check that could have rejected defers: deferring for a missing score would
    // turn a DNS outage into a mail outage for no decision.
    if (action == ClientCheckAction::Reject && policy == ClientCheckDnsFailure::Tempfail &&
        !outcome.reply) {
        outcome.reply = temporaryFailureReply("4.4.3", std::move(replyText), 451);
    }
}

}  // namespace mailgate
