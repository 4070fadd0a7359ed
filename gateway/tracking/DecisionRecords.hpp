// DecisionRecords: the tracking record of each stage's decision, built from the core's own
// answer (the policy stage's SmtpStageVerdict, the content stage's ContentDecision), so
// the front ends only pass on what they already have and never word a record themselves.
// The policy stage's record is about one RCPT (accepted, rejected, deferred or greylisted,
// with the check whose reply it was); the content stage's about one message, with what
// happened to each recipient's copy. Pure functions: they write nothing.
#pragma once

#include <string>
#include <string_view>

#include "gateway/engine/ContentStage.hpp"
#include "gateway/engine/SmtpSession.hpp"
#include "gateway/engine/SmtpStagePolicy.hpp"
#include "gateway/tracking/TrackingRecord.hpp"

namespace mailgate {

// `warnOnly`: policyd.warn_only, where Postfix was told WARN and let the mail on.
TrackingRecord policyDecisionRecord(const SmtpSession& session, std::string_view queueId,
                                    std::string_view protocolState, const SmtpStageVerdict& verdict,
                                    bool warnOnly);

TrackingRecord contentDecisionRecord(const MessageEnvelope& envelope, const std::string& mailgateId,
                                     const ContentDecision& decision);

}  // namespace mailgate
