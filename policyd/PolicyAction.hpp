// policyReplyFor: the Postfix access(5) action that answers a request, from the SMTP
// stage's merged outcome. A reject is "5NN X.Y.Z text"; a deferral is "4NN X.Y.Z text",
// or "DEFER_IF_PERMIT text" (Postfix then answers 450 4.7.1 unless a later restriction
// rejects); with nothing to refuse, "PREPEND header" when there is a policy-stage header
// to pass on, else "DUNNO" (never OK: that would skip Postfix's own later restrictions,
// reject_unauth_destination among them). In warn-only mode a refusal becomes "WARN ...".
#pragma once

#include <string>

#include "gateway/engine/CheckOutcome.hpp"
#include "policyd/PolicyReply.hpp"

namespace mailgate {

// `prependHeader` is a whole header line without CRLF ("X-Mailgate-Policy: ..."), or "".
PolicyReply policyReplyFor(const CheckOutcome& merged, const std::string& prependHeader,
                           bool warnOnly);

}  // namespace mailgate
