// SpoolLayout: where an entry's files live in the quarantine spool, and what a file name
// found there is. <spool>/<YYYYMMDD>/<mailgate ID>.eml holds the message, <ID>.toml its
// metadata; the day (UTC) is the one the ID was made on, so an ID alone finds its files.
// Temporary files start with ".tmp-" and are never entries. IDs are checked here, before
// any path is made of them, so no text from outside can name another file.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "gateway/quarantine/SpoolResult.hpp"

namespace mailgate {

inline constexpr std::string_view kSpoolBodySuffix = ".eml";
inline constexpr std::string_view kSpoolMetadataSuffix = ".toml";
inline constexpr std::string_view kSpoolTemporaryPrefix = ".tmp-";

struct SpoolPaths {
    std::string id;
    std::filesystem::path directory;  // the day's
    std::filesystem::path body;
    std::filesystem::path metadata;
    std::uint64_t created_milliseconds = 0;  // from the ID
};

// The paths of `id` under `root`; InvalidId when `id` is not a mailgate ID.
SpoolResult<SpoolPaths> spoolPathsOf(const std::filesystem::path& root, std::string_view id);

// "YYYYMMDD" of a time in milliseconds since 1970 (UTC).
std::string spoolDayName(std::uint64_t milliseconds);
bool isSpoolDayName(std::string_view name);

enum class SpoolFileKind { Metadata, Body, Temporary, Other };

// What a file name in a day directory is; for Metadata and Body, `id` is set to the ID.
SpoolFileKind spoolFileKind(std::string_view name, std::string& id);

}  // namespace mailgate
