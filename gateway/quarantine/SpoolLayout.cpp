// File names and paths in the quarantine spool (see SpoolLayout.hpp).
#include "gateway/quarantine/SpoolLayout.hpp"

#include <chrono>
#include <cstdio>

#include "gateway/message/MailgateId.hpp"

namespace mailgate {
namespace {

// Day directories have four-digit years; an ID made later than 9999 is refused.
constexpr std::uint64_t kYear10000 = 253402300800000;

}  // namespace

SpoolResult<SpoolPaths> spoolPathsOf(const std::filesystem::path& root, std::string_view id) {
    auto milliseconds = millisecondsOfMailgateId(id);
    if (!milliseconds || *milliseconds >= kYear10000) {
        // The ID is not echoed whole: it may be anything, of any length.
        return SpoolError{
            SpoolErrorKind::InvalidId,
            "not a mailgate ID (18 characters of 0-9 and A-Z without I, L, O, U): \"" +
                std::string(id.substr(0, 40)) + "\""};
    }
    SpoolPaths paths;
    paths.id = std::string(id);
    paths.created_milliseconds = *milliseconds;
    paths.directory = root / spoolDayName(*milliseconds);
    paths.body = paths.directory / (paths.id + std::string(kSpoolBodySuffix));
    paths.metadata = paths.directory / (paths.id + std::string(kSpoolMetadataSuffix));
    return paths;
}

std::string spoolDayName(std::uint64_t sinceEpoch) {
    using namespace std::chrono;
    auto day = floor<days>(sys_time<milliseconds>(milliseconds{sinceEpoch}));
    year_month_day date(day);
    char name[16];
    std::snprintf(name, sizeof name, "%04d%02u%02u", static_cast<int>(date.year()),
                  static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
    return name;
}

bool isSpoolDayName(std::string_view name) {
    return name.size() == 8 && name.find_first_not_of("0123456789") == std::string_view::npos;
}

SpoolFileKind spoolFileKind(std::string_view name, std::string& id) {
    if (name.starts_with(kSpoolTemporaryPrefix)) {
        return SpoolFileKind::Temporary;
    }
    for (auto [suffix, kind] : {std::pair{kSpoolMetadataSuffix, SpoolFileKind::Metadata},
                                std::pair{kSpoolBodySuffix, SpoolFileKind::Body}}) {
        if (name.ends_with(suffix)) {
            auto stem = name.substr(0, name.size() - suffix.size());
            if (millisecondsOfMailgateId(stem)) {
                id = std::string(stem);
                return kind;
            }
        }
    }
    return SpoolFileKind::Other;
}

}  // namespace mailgate
