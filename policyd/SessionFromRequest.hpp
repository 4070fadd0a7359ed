// smtpSessionFromRequest: the facts of a Postfix policy request as the core's
// SmtpSession: the protocol state as an SmtpStage, the client address (which must be a
// valid IPv4 or IPv6 address), name, HELO, sender, recipient, SASL login, the recipient
// count and the message size. It judges nothing; a request it cannot read is an error.
#pragma once

#include "gateway/engine/SmtpSession.hpp"
#include "gateway/util/Result.hpp"
#include "policyd/PolicyRequest.hpp"

namespace mailgate {

Result<SmtpSession> smtpSessionFromRequest(const PolicyRequest& request);

}  // namespace mailgate
