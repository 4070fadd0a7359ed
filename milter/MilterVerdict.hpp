// Applying the content stage's decision through libmilter at end of message: its
// MessageAnswer (the per-recipient plan collapsed, gateway/engine/ActionPlan.hpp) becomes
// tempfail (4xx with the reply), reject (5xx with the reply), discard, or accept: the
// recipients without a copy removed and redirected ones added, every copy of a header
// mailgate owns that came with the message removed (X-Mailgate-*, X-Spam-*) so
// downstream filters can trust ours, the policy stage's headers on top, X-Mailgate-Id,
// the delivered copy's spam headers and Subject tag. A libmilter call that fails throws,
// which the callback guard turns into TEMPFAIL. It decides nothing.
#pragma once

#include <libmilter/mfapi.h>

#include <string_view>
#include <vector>

#include "gateway/engine/ContentStage.hpp"
#include "milter/MilterSession.hpp"

namespace mailgate {

// The spelling mailgate writes `name` in when it is one of the header names it owns
// (compared case-insensitively), or "" when it is not.
std::string_view ownHeaderSpelling(std::string_view name);

// Returns what to answer the MTA.
sfsistat applyDecision(SMFICTX* context, MilterSession& session, const ContentDecision& decision,
                       const std::vector<HeaderField>& stageHeaders);

}  // namespace mailgate
