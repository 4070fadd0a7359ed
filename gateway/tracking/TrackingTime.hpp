// TrackingTime: the times `mailgatectl track` reads (--since, --until) and prints, so a
// postmaster can write them as they think of them: "2026-12-07", "2026-12-07 14:30",
// "2026-12-07T14:30:05" (local time, as the mail log shows), "@1765100000" (Unix
// seconds) or "2h" (that long ago: s, m, h, d). It only converts; it reads no clock but
// the `nowMs` it is given.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "gateway/util/Result.hpp"

namespace mailgate {

// Unix milliseconds for the text; a date alone is its first millisecond, or with
// `endOfPeriod` (for --until) its last.
Result<std::int64_t> parseTrackingTime(std::string_view text, std::int64_t nowMs, bool endOfPeriod);
// "2026-12-07 14:30:05.123" in local time.
std::string formatTrackingTime(std::int64_t ms);

}  // namespace mailgate
