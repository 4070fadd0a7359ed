// RFC 5322 date-times (see MailDate.hpp).
#include "gateway/mime/MailDate.hpp"

#include <cctype>
#include <ctime>
#include <string>
#include <vector>

#include "gateway/util/AsciiCase.hpp"

namespace mailgate {
namespace {

// Words and numbers of the text, comments dropped; ':' separates the time's parts and
// '+'/'-' stay on the zone's digits.
std::vector<std::string> pieces(std::string_view text) {
    std::vector<std::string> out;
    std::string current;
    int depth = 0;
    auto flush = [&]() {
        if (!current.empty()) {
            out.push_back(current);
            current.clear();
        }
    };
    for (char c : text.substr(0, 200)) {
        if (c == '(') {
            flush();
            ++depth;
        } else if (c == ')') {
            depth = depth > 0 ? depth - 1 : 0;
        } else if (depth > 0) {
            continue;
        } else if (std::isalnum(static_cast<unsigned char>(c)) || c == ':' ||
                   ((c == '+' || c == '-') && current.empty())) {
            current += c;
        } else {
            flush();
        }
    }
    flush();
    return out;
}

bool allDigits(std::string_view text) {
    if (text.empty()) {
        return false;
    }
    for (char c : text) {
        if (!std::isdigit(static_cast<unsigned char>(c))) {
            return false;
        }
    }
    return true;
}

int monthNumber(std::string_view word) {
    static constexpr std::string_view kMonths[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                                   "jul", "aug", "sep", "oct", "nov", "dec"};
    std::string lower = lowerCase(word.substr(0, 3));
    for (int i = 0; i < 12; ++i) {
        if (lower == kMonths[i]) {
            return i + 1;
        }
    }
    return 0;
}

// A zone: "+hhmm"/"-hhmm", or a name (RFC 5322 section 4.3). Unknown names count as
// UTC, as the RFC says of military zones.
bool zoneMinutes(std::string_view word, int& minutes) {
    if ((word[0] == '+' || word[0] == '-') && word.size() == 5 && allDigits(word.substr(1))) {
        int hours = std::stoi(std::string(word.substr(1, 2)));
        int rest = std::stoi(std::string(word.substr(3, 2)));
        minutes = (word[0] == '-' ? -1 : 1) * (hours * 60 + rest);
        return true;
    }
    struct Named {
        const char* name;
        int hours;
    };
    static constexpr Named kNames[] = {{"ut", 0},   {"utc", 0},  {"gmt", 0},  {"z", 0},
                                       {"est", -5}, {"edt", -4}, {"cst", -6}, {"cdt", -5},
                                       {"mst", -7}, {"mdt", -6}, {"pst", -8}, {"pdt", -7}};
    std::string lower = lowerCase(word);
    for (const auto& named : kNames) {
        if (lower == named.name) {
            minutes = named.hours * 60;
            return true;
        }
    }
    if (lower.size() == 1 && std::isalpha(static_cast<unsigned char>(lower[0]))) {
        minutes = 0;
        return true;
    }
    return false;
}

// Days from 1970-01-01 to a civil date (proleptic Gregorian).
std::int64_t daysFromCivil(std::int64_t year, int month, int day) {
    year -= month <= 2 ? 1 : 0;
    std::int64_t era = (year >= 0 ? year : year - 399) / 400;
    std::int64_t yearOfEra = year - era * 400;
    std::int64_t dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    std::int64_t dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
    return era * 146097 + dayOfEra - 719468;
}

int daysInMonth(std::int64_t year, int month) {
    static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return month == 2 && leap ? 29 : kDays[month - 1];
}

}  // namespace

Result<MailDate> parseMailDate(std::string_view text) {
    auto words = pieces(text);
    std::size_t at = 0;
    if (at < words.size() && !allDigits(words[at]) && monthNumber(words[at]) == 0) {
        ++at;  // the day's name ("Tue"), or garbage that the next steps will refuse
    }
    if (at + 3 > words.size() || !allDigits(words[at]) || words[at].size() > 2) {
        return makeError("expected the day of the month");
    }
    int day = std::stoi(words[at++]);
    int month = monthNumber(words[at++]);
    if (month == 0) {
        return makeError("expected a month name");
    }
    const std::string& yearText = words[at++];
    if (!allDigits(yearText) || yearText.size() < 2 || yearText.size() > 4) {
        return makeError("expected a year");
    }
    std::int64_t year = std::stoll(yearText);
    if (yearText.size() == 2) {
        year += year < 50 ? 2000 : 1900;  // RFC 5322 section 4.3
    } else if (yearText.size() == 3) {
        year += 1900;
    }
    if (year < 1900 || day < 1 || day > daysInMonth(year, month)) {
        return makeError("no such day");
    }
    if (at >= words.size()) {
        return makeError("expected a time");
    }
    // The time: "hh:mm" or "hh:mm:ss" as one piece.
    std::string_view time = words[at++];
    int fields[3] = {0, 0, 0};
    std::size_t count = 0;
    std::size_t start = 0;
    while (start <= time.size() && count < 3) {
        auto colon = time.find(':', start);
        auto part = time.substr(
            start, colon == std::string_view::npos ? std::string_view::npos : colon - start);
        if (!allDigits(part) || part.size() > 2) {
            return makeError("expected a time hh:mm[:ss]");
        }
        fields[count++] = std::stoi(std::string(part));
        if (colon == std::string_view::npos) {
            break;
        }
        start = colon + 1;
    }
    if (count < 2 || fields[0] > 23 || fields[1] > 59 || fields[2] > 60) {
        return makeError("expected a time hh:mm[:ss]");
    }
    MailDate date;
    if (at >= words.size() || !zoneMinutes(words[at], date.zone_minutes)) {
        return makeError("expected a time zone");
    }
    date.utc_seconds = daysFromCivil(year, month, day) * 86400 + fields[0] * 3600 + fields[1] * 60 +
                       fields[2] - date.zone_minutes * 60;
    return date;
}

std::string formatMailDate(std::int64_t utcSeconds) {
    std::time_t seconds = static_cast<std::time_t>(utcSeconds);
    std::tm parts{};
    gmtime_r(&seconds, &parts);
    char text[64];
    std::strftime(text, sizeof text, "%a, %d %b %Y %H:%M:%S +0000", &parts);
    return text;
}

}  // namespace mailgate
