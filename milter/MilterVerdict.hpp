// Applying the content stage's Verdict through libmilter at end of message: every copy of
// a header mailgate owns that came with the message is removed first (X-Mailgate-*,
// X-Spam-*), so downstream filters can trust ours; the policy stage's headers go on top;
// then reject (550 with the verdict's reply), discard, or accept with X-Mailgate-Id, the
// spam headers and the Subject tag. A libmilter call that fails throws, which the
// callback guard turns into TEMPFAIL.
#pragma once

#include <libmilter/mfapi.h>

#include <string_view>
#include <vector>

#include "gateway/content/ContentPipeline.hpp"
#include "milter/MilterSession.hpp"

namespace mailgate {

// The spelling mailgate writes `name` in when it is one of the header names it owns
// (compared case-insensitively), or "" when it is not.
std::string_view ownHeaderSpelling(std::string_view name);

// Returns what to answer the MTA. Recipients whose own verdict is not the delivered
// copy's (deleted, or rejected while others accept) are removed from the message.
sfsistat applyVerdict(SMFICTX* context, MilterSession& session, const ContentEvaluation& evaluation,
                      const std::vector<HeaderField>& stageHeaders);

}  // namespace mailgate
