// The quarantine spool's walks over every day directory: forEachEntry (reindex),
// entriesOlderThan (retention) and removeLeftovers (start-up cleaning); see
// QuarantineSpool.hpp. The operations on one entry are in QuarantineSpool.cpp.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <set>
#include <system_error>

#include "gateway/message/MailgateId.hpp"
#include "gateway/quarantine/QuarantineSpool.hpp"
#include "gateway/quarantine/SpoolFiles.hpp"
#include "gateway/quarantine/SpoolLayout.hpp"

namespace mailgate {
namespace {

// Empty day directories younger than this stay: a store may be about to write there.
constexpr std::uint64_t kEmptyDayGraceMilliseconds = 2 * 24 * 3600 * 1000;

// The names in a directory, sorted (mailgate IDs sort by time).
SpoolResult<std::vector<std::string>> sortedNames(const std::filesystem::path& directory) {
    std::error_code error;
    std::filesystem::directory_iterator entries(directory, error);
    if (error) {
        return SpoolError{error == std::errc::no_such_file_or_directory ? SpoolErrorKind::NotFound
                                                                        : SpoolErrorKind::Io,
                          "cannot list " + directory.string() + ": " + error.message()};
    }
    std::vector<std::string> names;
    for (const auto& entry : entries) {
        names.push_back(entry.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
}

// The spool's day directories, oldest first.
SpoolResult<std::vector<std::string>> dayNames(const std::filesystem::path& root) {
    auto names = sortedNames(root);
    if (!names) {
        return names;
    }
    std::error_code error;
    std::erase_if(*names, [&](const std::string& name) {
        return !isSpoolDayName(name) || !std::filesystem::is_directory(root / name, error);
    });
    return names;
}

bool fileExists(const std::filesystem::path& path) {
    struct stat status {};
    return ::lstat(path.c_str(), &status) == 0;
}

std::uint64_t nowMilliseconds() {
    return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                          std::chrono::system_clock::now().time_since_epoch())
                                          .count());
}

// Removes `path` when no one holds its lock and, for a message file, its metadata is still
// absent once the lock is ours (a store renames the metadata before it lets go).
bool removeAbandoned(const std::filesystem::path& path, const std::filesystem::path& metadata) {
    FileDescriptor held = tryLockFile(path);
    if (!held.isOpen() || (!metadata.empty() && fileExists(metadata))) {
        return false;
    }
    return ::unlink(path.c_str()) == 0;
}

}  // namespace

SpoolResult<void> QuarantineSpool::forEachEntry(const EntryVisitor& visit,
                                                const ProblemReporter& problem) const {
    auto days = dayNames(root_);
    if (!days) {
        return SpoolError{days.errorKind(), days.error()};
    }
    for (const auto& day : *days) {
        auto directory = root_ / day;
        auto names = sortedNames(directory);
        if (!names) {
            problem({directory, names.error()});
            continue;
        }
        std::set<std::string> ids;
        std::set<std::string> bodies;
        std::string id;
        for (const auto& name : *names) {
            auto kind = spoolFileKind(name, id);
            if (kind == SpoolFileKind::Metadata) {
                ids.insert(id);
            } else if (kind == SpoolFileKind::Body) {
                bodies.insert(id);
            } else if (kind == SpoolFileKind::Other) {
                problem({directory / name, "not a quarantine file"});
            }
        }
        for (const auto& body : bodies) {
            if (!ids.contains(body)) {
                problem({directory / (body + std::string(kSpoolBodySuffix)),
                         "a message file without metadata (a leftover of a failed store or "
                         "removal; removeLeftovers takes it)"});
            }
        }
        for (const auto& entryId : ids) {
            auto paths = spoolPathsOf(root_, entryId);
            if (!paths || paths->directory != directory) {
                problem({directory / (entryId + std::string(kSpoolMetadataSuffix)),
                         "in the wrong day directory for its ID"});
                continue;
            }
            auto entry = load(entryId);
            if (!entry) {
                problem({paths->metadata, entry.error()});
                continue;
            }
            if (!bodies.contains(entryId)) {
                problem({paths->body, "the entry's message file is missing"});
            }
            if (!visit(*entry)) {
                return {};
            }
        }
    }
    return {};
}

SpoolResult<std::vector<std::string>> QuarantineSpool::entriesOlderThan(
    std::int64_t unixSeconds) const {
    std::vector<std::string> old;
    if (unixSeconds <= 0) {
        return old;
    }
    auto cutoff = static_cast<std::uint64_t>(unixSeconds) * 1000;
    auto days = dayNames(root_);
    if (!days) {
        return SpoolError{days.errorKind(), days.error()};
    }
    std::string lastDay = spoolDayName(cutoff);
    for (const auto& day : *days) {
        if (day > lastDay) {
            break;
        }
        auto names = sortedNames(root_ / day);
        if (!names) {
            return SpoolError{names.errorKind(), names.error()};
        }
        std::string id;
        for (const auto& name : *names) {
            if (spoolFileKind(name, id) == SpoolFileKind::Metadata &&
                millisecondsOfMailgateId(id).value_or(cutoff) < cutoff) {
                old.push_back(id);
            }
        }
    }
    return old;
}

SpoolResult<SpoolCleanup> QuarantineSpool::removeLeftovers() {
    auto days = dayNames(root_);
    if (!days) {
        return SpoolError{days.errorKind(), days.error()};
    }
    SpoolCleanup cleanup;
    std::string lastEmptyDay = spoolDayName(nowMilliseconds() - kEmptyDayGraceMilliseconds);
    for (const auto& day : *days) {
        auto directory = root_ / day;
        auto names = sortedNames(directory);
        if (!names) {
            cleanup.problems.push_back({directory, names.error()});
            continue;
        }
        std::uint64_t before = cleanup.temporary_files + cleanup.orphan_bodies;
        std::string id;
        for (const auto& name : *names) {
            auto kind = spoolFileKind(name, id);
            if (kind == SpoolFileKind::Temporary && removeAbandoned(directory / name, {})) {
                ++cleanup.temporary_files;
            } else if (kind == SpoolFileKind::Body &&
                       removeAbandoned(directory / name,
                                       directory / (id + std::string(kSpoolMetadataSuffix)))) {
                ++cleanup.orphan_bodies;
            }
        }
        if (cleanup.temporary_files + cleanup.orphan_bodies != before) {
            if (auto synced = syncDirectory(directory); !synced) {
                cleanup.problems.push_back({directory, synced.error()});
            }
        }
        if (day < lastEmptyDay && ::rmdir(directory.c_str()) == 0) {
            ++cleanup.empty_days;
        }
    }
    if (cleanup.empty_days != 0) {
        if (auto synced = syncDirectory(root_); !synced) {
            cleanup.problems.push_back({root_, synced.error()});
        }
    }
    if (auto rescanned = usage_.refresh(); !rescanned) {
        cleanup.problems.push_back({root_, rescanned.error()});
    }
    return cleanup;
}

}  // namespace mailgate
