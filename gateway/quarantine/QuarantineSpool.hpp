// QuarantineSpool: the quarantine's durable store on this node's disk, and the truth the
// Redis index is rebuilt from. Each message is kept once, as <day>/<ID>.eml, beside its
// metadata <day>/<ID>.toml (SpoolLayout.hpp, QuarantineMetadata.hpp); an entry exists
// exactly when its metadata file does. Every write goes to a temporary file in the same
// directory, is synced, renamed into place and the directory synced, the message before
// its metadata, so a crash leaves a whole entry or none (plus leftovers that
// removeLeftovers cleans and that are never shown as entries). Files are mode 0600.
//
// Several threads and processes may share one spool. Stores create new names only.
// updateRecipients and remove lock the entry's metadata file (flock, re-checked after
// locking because a rewrite renames a new file over it), so concurrent changes to one
// entry happen one after the other, each seeing the last. Writers hold a lock on their
// temporary files (and on a message file until its metadata is in place), and cleaners
// remove only what no one holds. The quota's totals are per process (SpoolUsage.hpp).
// Not here: the Redis index, release over SMTP, who may do what, logging.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/quarantine/QuarantineEntry.hpp"
#include "gateway/quarantine/SpoolResult.hpp"
#include "gateway/quarantine/SpoolUsage.hpp"

namespace mailgate {

struct QuarantineSpoolSettings {
    std::uint64_t max_bytes = 0;    // 0: no bound
    std::uint64_t max_entries = 0;  // 0: no bound
    // How old the quota's running totals may grow before a store scans the spool again.
    std::chrono::seconds usage_rescan_interval{60};
};

// Something wrong found on disk, reported without stopping the walk.
struct SpoolProblem {
    std::filesystem::path path;
    std::string message;
};

struct SpoolCleanup {
    std::uint64_t temporary_files = 0;  // abandoned by a writer that died
    std::uint64_t orphan_bodies = 0;    // message files whose metadata never came
    std::uint64_t empty_days = 0;       // day directories removed
    std::vector<SpoolProblem> problems;
};

class QuarantineSpool {
  public:
    using RecipientChange = std::function<Result<void>(std::vector<QuarantineRecipient>&)>;
    using EntryVisitor = std::function<bool(const QuarantineEntry&)>;  // false: stop
    using ProblemReporter = std::function<void(const SpoolProblem&)>;

    // The spool at `root` (made, mode 0700, when absent; its parent must exist). With a
    // quota, the spool is scanned once here.
    static SpoolResult<std::unique_ptr<QuarantineSpool>> open(std::filesystem::path root,
                                                              QuarantineSpoolSettings settings);

    // Writes the message and its metadata durably; answers the entry as written, with
    // body_size and body_sha256 set. Exists when the ID is stored already, OverQuota,
    // Malformed when the entry cannot be written (QuarantineMetadata's checks), Io. On
    // any failure nothing of the entry is left.
    SpoolResult<QuarantineEntry> store(QuarantineEntry entry, std::string_view message);

    SpoolResult<QuarantineEntry> load(std::string_view id) const;

    // The message bytes, checked against the size and digest in the metadata.
    SpoolResult<std::string> body(std::string_view id) const;

    // Runs `change` on the entry's recipients under the entry's lock and writes the result
    // in place of the old metadata (atomically: a reader sees the old or the new file).
    // When `change` answers an error, nothing is written and the error comes back as
    // Refused. `change` may not add or drop recipients. Answers the entry as written.
    SpoolResult<QuarantineEntry> updateRecipients(std::string_view id,
                                                  const RecipientChange& change);

    // Removes the entry (metadata first, so it stops existing before its message goes).
    SpoolResult<void> remove(std::string_view id);

    // Every entry, oldest first, read one at a time. A metadata file that cannot be read,
    // a missing message file or a stray file goes to `problem` and the walk goes on; the
    // answer is an error only when the spool itself cannot be listed.
    SpoolResult<void> forEachEntry(const EntryVisitor& visit, const ProblemReporter& problem) const;

    // The IDs of entries made before `unixSeconds`, going by the time in the ID (so
    // damaged entries expire too, and no metadata is read), oldest first.
    SpoolResult<std::vector<std::string>> entriesOlderThan(std::int64_t unixSeconds) const;

    // Removes temporary files and orphan message files that no live writer holds, and
    // empty day directories older than two days. For the daemon's start (and retention).
    SpoolResult<SpoolCleanup> removeLeftovers();

    const std::filesystem::path& root() const { return root_; }

  private:
    QuarantineSpool(std::filesystem::path root, const QuarantineSpoolSettings& settings);

    std::filesystem::path root_;
    SpoolUsage usage_;
};

}  // namespace mailgate
