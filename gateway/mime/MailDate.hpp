// parseMailDate: an RFC 5322 date-time as mail carries it in Date and at the end of
// Received ("Tue, 1 Dec 2026 08:00:00 +0100"), with the obsolete forms section 4.3 asks
// readers to accept (no day name, no seconds, two- and three-digit years, named zones such
// as GMT, EST or PDT, military letters, comments and extra blanks). The moment as seconds
// since 1970 (UTC) and the zone as written, in minutes east of UTC. Not here: a general
// date parser; locale names; anything before 1900.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "gateway/util/Result.hpp"

namespace mailgate {

struct MailDate {
    std::int64_t utc_seconds = 0;  // since 1970-01-01 00:00:00 UTC
    int zone_minutes = 0;          // as written: +0530 is 330; -0000 and unknown names are 0
};

Result<MailDate> parseMailDate(std::string_view text);

// The moment written as mailgate writes dates in header fields: UTC, RFC 5322,
// "Mon, 07 Dec 2026 22:00:00 +0000".
std::string formatMailDate(std::int64_t utcSeconds);

}  // namespace mailgate
