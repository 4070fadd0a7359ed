// Postfix actions for SMTP-stage outcomes (see PolicyAction.hpp).
#include "policyd/PolicyAction.hpp"

namespace mailgate {

PolicyReply policyReplyFor(const CheckOutcome& merged, const std::string& prependHeader,
                           bool warnOnly) {
    PolicyReply reply;
    if (merged.reply) {
        const SmtpReply& smtp = *merged.reply;
        std::string action = smtp.kind == SmtpReply::Kind::TemporaryFailure && smtp.unless_rejected
                                 ? "DEFER_IF_PERMIT " + smtp.text
                                 : smtp.toString();
        reply.action = warnOnly ? "WARN mailgate would answer: " + action : action;
        return reply;
    }
    reply.action = prependHeader.empty() ? "DUNNO" : "PREPEND " + prependHeader;
    return reply;
}

}  // namespace mailgate
