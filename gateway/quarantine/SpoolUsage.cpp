// The quarantine spool's running byte and entry totals (see SpoolUsage.hpp).
#include "gateway/quarantine/SpoolUsage.hpp"

#include <algorithm>
#include <string>
#include <system_error>

#include "gateway/quarantine/SpoolLayout.hpp"

namespace mailgate {
namespace {

// Adds a day directory's files to `totals`. Files and directories that vanish during the
// scan (an entry removed, an empty day cleaned) are simply not counted.
SpoolResult<void> addDirectory(const std::filesystem::path& directory, SpoolTotals& totals) {
    std::error_code error;
    std::filesystem::directory_iterator files(directory, error);
    if (error) {
        if (error == std::errc::no_such_file_or_directory) {
            return {};
        }
        return SpoolError{SpoolErrorKind::Io,
                          "cannot list " + directory.string() + ": " + error.message()};
    }
    for (const auto& file : files) {
        auto size = file.file_size(error);
        if (error) {
            continue;
        }
        std::string id;
        totals.bytes += size;
        if (spoolFileKind(file.path().filename().string(), id) == SpoolFileKind::Metadata) {
            ++totals.entries;
        }
    }
    return {};
}

}  // namespace

SpoolResult<SpoolTotals> scanSpoolTotals(const std::filesystem::path& root) {
    std::error_code error;
    std::filesystem::directory_iterator days(root, error);
    if (error) {
        return SpoolError{SpoolErrorKind::Io,
                          "cannot list " + root.string() + ": " + error.message()};
    }
    SpoolTotals totals;
    for (const auto& day : days) {
        if (isSpoolDayName(day.path().filename().string()) && day.is_directory(error)) {
            if (auto added = addDirectory(day.path(), totals); !added) {
                return SpoolError{added.errorKind(), added.error()};
            }
        }
    }
    return totals;
}

SpoolUsage::SpoolUsage(std::filesystem::path root, std::uint64_t maxBytes, std::uint64_t maxEntries,
                       std::chrono::seconds rescanInterval)
    : root_(std::move(root)),
      max_bytes_(maxBytes),
      max_entries_(maxEntries),
      rescan_interval_(rescanInterval) {}

SpoolResult<void> SpoolUsage::refresh() {
    if (!limited()) {
        return {};
    }
    std::unique_lock lock(mutex_);
    return rescan(lock, false);
}

SpoolResult<void> SpoolUsage::rescan(std::unique_lock<std::mutex>& lock, bool onlyIfStale) {
    auto now = std::chrono::steady_clock::now();
    bool stale = !onlyIfStale || !scanned_at_ || now - *scanned_at_ >= rescan_interval_;
    // While another thread scans, the current totals will do, unless there are none yet.
    if (!stale || (scanning_ && scanned_at_)) {
        return {};
    }
    scanning_ = true;
    lock.unlock();
    auto scanned = scanSpoolTotals(root_);
    lock.lock();
    scanning_ = false;
    if (!scanned) {
        return SpoolError{scanned.errorKind(), scanned.error()};
    }
    totals_ = scanned.value();
    scanned_at_ = now;
    return {};
}

SpoolResult<void> SpoolUsage::reserve(std::uint64_t bytes) {
    if (!limited()) {
        return {};
    }
    std::unique_lock lock(mutex_);
    if (auto rescanned = rescan(lock, true); !rescanned) {
        return rescanned;
    }
    std::uint64_t entries = totals_.entries + reserved_.entries;
    std::uint64_t used = totals_.bytes + reserved_.bytes;
    if (max_entries_ != 0 && entries + 1 > max_entries_) {
        return SpoolError{SpoolErrorKind::OverQuota,
                          "the quarantine holds " + std::to_string(entries) +
                              " entries, its bound is " + std::to_string(max_entries_)};
    }
    if (max_bytes_ != 0 && used + bytes > max_bytes_) {
        return SpoolError{SpoolErrorKind::OverQuota,
                          "the quarantine holds " + std::to_string(used) + " bytes; " +
                              std::to_string(bytes) + " more would pass its bound of " +
                              std::to_string(max_bytes_)};
    }
    reserved_.entries += 1;
    reserved_.bytes += bytes;
    return {};
}

void SpoolUsage::commit(std::uint64_t bytes) {
    if (!limited()) {
        return;
    }
    std::lock_guard lock(mutex_);
    reserved_.entries -= 1;
    reserved_.bytes -= bytes;
    totals_.entries += 1;
    totals_.bytes += bytes;
}

void SpoolUsage::cancel(std::uint64_t bytes) {
    if (!limited()) {
        return;
    }
    std::lock_guard lock(mutex_);
    reserved_.entries -= 1;
    reserved_.bytes -= bytes;
}

void SpoolUsage::resized(std::int64_t difference) {
    if (!limited()) {
        return;
    }
    std::lock_guard lock(mutex_);
    auto magnitude = static_cast<std::uint64_t>(difference < 0 ? -difference : difference);
    totals_.bytes = difference >= 0 ? totals_.bytes + magnitude
                                    : totals_.bytes - std::min(totals_.bytes, magnitude);
}

void SpoolUsage::removed(std::uint64_t bytes) {
    if (!limited()) {
        return;
    }
    std::lock_guard lock(mutex_);
    totals_.entries -= std::min<std::uint64_t>(totals_.entries, 1);
    totals_.bytes -= std::min(totals_.bytes, bytes);
}

}  // namespace mailgate
