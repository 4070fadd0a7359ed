// CheckPhase: when a check runs within its stage, as rspamd orders its symbols.
// Pre-filters run first and may short-circuit (an access list's reject, a whitelist that
// spares the message the filters); filters run next, all together; post-filters run last
// and see what the others found (greylisting needs SPF's verdict and must not record mail
// that is rejected anyway; the auto-whitelist needs the score). Plain data.
#pragma once

#include <string_view>

namespace mailgate {

enum class CheckPhase { PreFilter, Filter, PostFilter };

inline std::string_view checkPhaseName(CheckPhase phase) {
    switch (phase) {
        case CheckPhase::PreFilter:
            return "pre-filter";
        case CheckPhase::Filter:
            return "filter";
        case CheckPhase::PostFilter:
            return "post-filter";
    }
    return "filter";
}

}  // namespace mailgate
