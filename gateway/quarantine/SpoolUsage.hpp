// SpoolUsage: how many bytes and entries the quarantine spool holds, kept cheaply for
// the quota check of every store: one scan of the spool when first needed, then a running
// total this process updates as it stores and removes. Other processes writing the same
// spool (a second milter, mailgatectl expiring entries) are not seen until the total is
// older than the rescan interval, when the next check scans again; so the quota can be
// passed by what the other processes wrote in one interval: a disk guard, not an
// accountant. Thread-safe. Not the quota's settings (QuarantineSpoolSettings).
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>

#include "gateway/quarantine/SpoolResult.hpp"

namespace mailgate {

struct SpoolTotals {
    std::uint64_t bytes = 0;    // every file in the day directories, temporary ones too
    std::uint64_t entries = 0;  // metadata files
};

// One pass over the spool's day directories.
SpoolResult<SpoolTotals> scanSpoolTotals(const std::filesystem::path& root);

class SpoolUsage {
  public:
    // A bound of 0 is no bound; with neither bound, nothing is ever scanned.
    SpoolUsage(std::filesystem::path root, std::uint64_t maxBytes, std::uint64_t maxEntries,
               std::chrono::seconds rescanInterval);

    // Scans the spool now (when there is a bound), whatever the totals' age.
    SpoolResult<void> refresh();

    // Room for one more entry of `bytes`, set aside until `commit` or `cancel`: OverQuota
    // when it would pass a bound, Io when the spool cannot be scanned.
    SpoolResult<void> reserve(std::uint64_t bytes);
    void commit(std::uint64_t bytes);
    void cancel(std::uint64_t bytes);

    // What this process changed besides stores: a metadata file rewritten (its size
    // difference), an entry removed.
    void resized(std::int64_t difference);
    void removed(std::uint64_t bytes);

  private:
    bool limited() const { return max_bytes_ != 0 || max_entries_ != 0; }
    SpoolResult<void> rescan(std::unique_lock<std::mutex>& lock, bool onlyIfStale);

    const std::filesystem::path root_;
    const std::uint64_t max_bytes_;
    const std::uint64_t max_entries_;
    const std::chrono::seconds rescan_interval_;

    std::mutex mutex_;
    SpoolTotals totals_;    // as of the last scan, plus what this process did since
    SpoolTotals reserved_;  // stores under way
    std::optional<std::chrono::steady_clock::time_point> scanned_at_;
    bool scanning_ = false;
};

}  // namespace mailgate
