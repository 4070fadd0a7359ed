// Reading and writing the times of `mailgatectl track` (see TrackingTime.hpp).
#include "gateway/tracking/TrackingTime.hpp"

#include <charconv>
#include <cstdio>
#include <ctime>
#include <optional>

namespace mailgate {
namespace {

std::optional<std::int64_t> wholeNumber(std::string_view text) {
    std::int64_t number = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
    if (text.empty() || error != std::errc() || end != text.data() + text.size() || number < 0) {
        return std::nullopt;
    }
    return number;
}

Result<std::int64_t> agoMs(std::string_view text, std::int64_t nowMs) {
    char unit = text.back();
    std::int64_t seconds = unit == 's' ? 1 : unit == 'm' ? 60 : unit == 'h' ? 3600 : 86400;
    auto count = wholeNumber(text.substr(0, text.size() - 1));
    if (!count) {
        return makeError("unreadable duration \"" + std::string(text) + "\"");
    }
    return nowMs - *count * seconds * 1000;
}

Result<std::int64_t> localTimeMs(std::string_view text, bool endOfPeriod) {
    int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
    char separator = ' ';
    int consumed = 0;
    std::string copy(text);
    int fields = std::sscanf(copy.c_str(), "%4d-%2d-%2d%n%c%2d:%2d%n:%2d%n", &year, &month, &day,
                             &consumed, &separator, &hour, &minute, &consumed, &second, &consumed);
    bool shapeOk = (fields == 3 || fields == 6 || fields == 7) &&
                   static_cast<std::size_t>(consumed) == text.size() &&
                   (fields == 3 || separator == ' ' || separator == 'T');
    if (!shapeOk || month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 ||
        second > 60) {
        return makeError("unreadable time \"" + copy +
                         "\" (YYYY-MM-DD, YYYY-MM-DD HH:MM[:SS], @UNIX_SECONDS or 2h ago as 2h)");
    }
    std::tm parts{};
    parts.tm_year = year - 1900;
    parts.tm_mon = month - 1;
    parts.tm_mday = day;
    parts.tm_hour = hour;
    parts.tm_min = minute;
    parts.tm_sec = second;
    parts.tm_isdst = -1;
    std::time_t seconds = std::mktime(&parts);
    if (seconds == static_cast<std::time_t>(-1)) {
        return makeError("time out of range \"" + copy + "\"");
    }
    std::int64_t period = fields == 3 ? 86400 : fields == 6 ? 60 : 1;
    return static_cast<std::int64_t>(seconds) * 1000 + (endOfPeriod ? period * 1000 - 1 : 0);
}

}  // namespace

Result<std::int64_t> parseTrackingTime(std::string_view text, std::int64_t nowMs,
                                       bool endOfPeriod) {
    if (text.empty()) {
        return makeError("empty time");
    }
    if (text.front() == '@') {
        auto seconds = wholeNumber(text.substr(1));
        if (!seconds) {
            return makeError("unreadable Unix time \"" + std::string(text) + "\"");
        }
        return *seconds * 1000 + (endOfPeriod ? 999 : 0);
    }
    if (text.size() >= 2 && text.find('-') == std::string_view::npos &&
        std::string_view("smhd").find(text.back()) != std::string_view::npos) {
        return agoMs(text, nowMs);
    }
    return localTimeMs(text, endOfPeriod);
}

std::string formatTrackingTime(std::int64_t ms) {
    std::time_t seconds = static_cast<std::time_t>(ms / 1000);
    std::tm parts{};
    localtime_r(&seconds, &parts);
    char text[64];
    std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S", &parts);
    char withMs[80];
    std::snprintf(withMs, sizeof withMs, "%s.%03d", text, static_cast<int>(ms % 1000));
    return withMs;
}

}  // namespace mailgate
