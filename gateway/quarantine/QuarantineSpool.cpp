// The quarantine spool's operations on one entry: store, load, body, updateRecipients,
// remove (see QuarantineSpool.hpp; the walks over the whole spool are in
// QuarantineSpoolWalk.cpp).
#include "gateway/quarantine/QuarantineSpool.hpp"

#include <sys/stat.h>

#include <cerrno>

#include "gateway/quarantine/QuarantineMetadata.hpp"
#include "gateway/quarantine/SpoolFiles.hpp"
#include "gateway/quarantine/SpoolLayout.hpp"
#include "gateway/util/Digests.hpp"

namespace mailgate {
namespace {

// The largest message file body() reads into memory.
constexpr std::uint64_t kMaxBodyBytes = std::uint64_t{1} << 30;

std::string temporaryPrefix(const SpoolPaths& paths, std::string_view suffix) {
    return std::string(kSpoolTemporaryPrefix) + paths.id + std::string(suffix) + ".";
}

template <class T>
SpoolError errorOf(const SpoolResult<T>& result) {
    return SpoolError{result.errorKind(), result.error()};
}

SpoolError notFound(std::string_view id) {
    return SpoolError{SpoolErrorKind::NotFound, "no quarantine entry " + std::string(id)};
}

// The entry a metadata file's text holds, which must be the one its name says.
SpoolResult<QuarantineEntry> parseEntry(const SpoolPaths& paths, std::string_view text) {
    auto entry = readQuarantineMetadata(text);
    if (!entry) {
        return SpoolError{SpoolErrorKind::Malformed,
                          paths.metadata.string() + ": " + entry.error()};
    }
    if (entry->mailgate_id != paths.id) {
        return SpoolError{SpoolErrorKind::Malformed,
                          paths.metadata.string() + ": holds the entry " + entry->mailgate_id};
    }
    return std::move(entry).value();
}

struct LockedEntry {
    SpoolPaths paths;
    FileDescriptor lock;  // on the metadata file
};

// The entry's metadata file, locked against other writers of the same entry.
SpoolResult<LockedEntry> lockEntry(const std::filesystem::path& root, std::string_view id) {
    auto paths = spoolPathsOf(root, id);
    if (!paths) {
        return errorOf(paths);
    }
    auto lock = lockExistingFile(paths->metadata);
    if (!lock) {
        return lock.errorKind() == SpoolErrorKind::NotFound ? notFound(id) : errorOf(lock);
    }
    return LockedEntry{std::move(paths).value(), std::move(lock).value()};
}

// Best effort after a failed store: whatever of the entry reached its final name goes.
void undoStore(const SpoolPaths& paths) {
    (void)removeFile(paths.metadata);
    (void)removeFile(paths.body);
    (void)syncDirectory(paths.directory);
}

// The message, then its metadata, each written, synced, renamed and the directory synced.
// The message file stays locked until its metadata is in place: removeLeftovers in
// another process would otherwise take it for an orphan.
SpoolResult<void> writeEntry(const SpoolPaths& paths, std::string_view message,
                             std::string_view metadata) {
    if (auto made = makeDirectory(paths.directory); !made) {
        return made;
    }
    struct stat status {};
    if (::lstat(paths.metadata.c_str(), &status) == 0) {
        return SpoolError{SpoolErrorKind::Exists, "the quarantine holds " + paths.id +
                                                      " already (" + paths.metadata.string() + ")"};
    }
    if (errno != ENOENT) {
        return spoolIoError("examine", paths.metadata, errno);
    }
    auto body =
        TemporaryFile::write(paths.directory, temporaryPrefix(paths, kSpoolBodySuffix), message);
    if (!body) {
        return errorOf(body);
    }
    SpoolResult<void> done = body->commit(paths.body);
    if (done) {
        done = syncDirectory(paths.directory);
    }
    if (done) {
        auto written = TemporaryFile::write(paths.directory,
                                            temporaryPrefix(paths, kSpoolMetadataSuffix), metadata);
        done = written ? written->commit(paths.metadata) : SpoolResult<void>(errorOf(written));
    }
    if (done) {
        done = syncDirectory(paths.directory);
    }
    if (!done) {
        undoStore(paths);
    }
    return done;
}

}  // namespace

SpoolResult<std::unique_ptr<QuarantineSpool>> QuarantineSpool::open(
    std::filesystem::path root, QuarantineSpoolSettings settings) {
    if (auto made = makeDirectory(root); !made) {
        return errorOf(made);
    }
    std::unique_ptr<QuarantineSpool> spool(new QuarantineSpool(std::move(root), settings));
    // The first scan happens here, at the daemon's start, rather than in the first store.
    if (auto scanned = spool->usage_.refresh(); !scanned) {
        return errorOf(scanned);
    }
    return spool;
}

QuarantineSpool::QuarantineSpool(std::filesystem::path root,
                                 const QuarantineSpoolSettings& settings)
    : root_(std::move(root)),
      usage_(root_, settings.max_bytes, settings.max_entries, settings.usage_rescan_interval) {}

SpoolResult<QuarantineEntry> QuarantineSpool::store(QuarantineEntry entry,
                                                    std::string_view message) {
    auto paths = spoolPathsOf(root_, entry.mailgate_id);
    if (!paths) {
        return errorOf(paths);
    }
    entry.body_size = message.size();
    entry.body_sha256 = sha256Hex(message);
    auto metadata = writeQuarantineMetadata(entry);
    if (!metadata) {
        return SpoolError{SpoolErrorKind::Malformed,
                          "cannot quarantine " + paths->id + ": " + metadata.error()};
    }
    auto written = parseEntry(*paths, *metadata);  // as the file holds it: text shortened
    if (!written) {
        return errorOf(written);
    }
    std::uint64_t bytes = message.size() + metadata->size();
    if (auto reserved = usage_.reserve(bytes); !reserved) {
        return errorOf(reserved);
    }
    if (auto stored = writeEntry(*paths, message, *metadata); !stored) {
        usage_.cancel(bytes);
        return errorOf(stored);
    }
    usage_.commit(bytes);
    return written;
}

SpoolResult<QuarantineEntry> QuarantineSpool::load(std::string_view id) const {
    auto paths = spoolPathsOf(root_, id);
    if (!paths) {
        return errorOf(paths);
    }
    auto text = readWholeFile(paths->metadata, kMaxQuarantineMetadataBytes);
    if (!text) {
        return text.errorKind() == SpoolErrorKind::NotFound ? notFound(id) : errorOf(text);
    }
    return parseEntry(*paths, *text);
}

SpoolResult<std::string> QuarantineSpool::body(std::string_view id) const {
    auto entry = load(id);
    if (!entry) {
        return errorOf(entry);
    }
    auto paths = spoolPathsOf(root_, id);
    auto message = readWholeFile(paths->body, kMaxBodyBytes);
    if (!message) {
        return SpoolError{message.errorKind() == SpoolErrorKind::NotFound
                              ? SpoolErrorKind::Malformed
                              : message.errorKind(),
                          "the message of quarantine entry " + paths->id + ": " + message.error()};
    }
    if (message->size() != entry->body_size || sha256Hex(*message) != entry->body_sha256) {
        return SpoolError{SpoolErrorKind::Malformed,
                          paths->body.string() + ": the message differs from the size and " +
                              "digest its metadata records (damaged on disk)"};
    }
    return message;
}

SpoolResult<QuarantineEntry> QuarantineSpool::updateRecipients(std::string_view id,
                                                               const RecipientChange& change) {
    auto locked = lockEntry(root_, id);
    if (!locked) {
        return errorOf(locked);
    }
    const SpoolPaths& paths = locked->paths;
    auto old = readWholeFile(locked->lock.get(), paths.metadata, kMaxQuarantineMetadataBytes);
    if (!old) {
        return errorOf(old);
    }
    auto entry = parseEntry(paths, *old);
    if (!entry) {
        return errorOf(entry);
    }
    auto recipients = entry->recipients;
    if (auto changed = change(recipients); !changed) {
        return SpoolError{SpoolErrorKind::Refused, changed.error()};
    }
    bool sameAddresses = recipients.size() == entry->recipients.size();
    for (std::size_t i = 0; sameAddresses && i < recipients.size(); ++i) {
        sameAddresses = recipients[i].address == entry->recipients[i].address;
    }
    if (!sameAddresses) {
        return SpoolError{SpoolErrorKind::Refused,
                          "a change of status may not add, drop or reorder recipients"};
    }
    entry->recipients = std::move(recipients);
    auto metadata = writeQuarantineMetadata(*entry);
    if (!metadata) {
        return SpoolError{SpoolErrorKind::Malformed, metadata.error()};
    }
    auto written = TemporaryFile::write(paths.directory,
                                        temporaryPrefix(paths, kSpoolMetadataSuffix), *metadata);
    if (!written) {
        return errorOf(written);
    }
    if (auto renamed = written->commit(paths.metadata); !renamed) {
        return errorOf(renamed);
    }
    usage_.resized(static_cast<std::int64_t>(metadata->size()) -
                   static_cast<std::int64_t>(old->size()));
    // Once renamed, the new file is what readers see; a failed directory sync only leaves
    // its durability in doubt, and the caller hears of it.
    if (auto synced = syncDirectory(paths.directory); !synced) {
        return errorOf(synced);
    }
    return parseEntry(paths, *metadata);
}

SpoolResult<void> QuarantineSpool::remove(std::string_view id) {
    auto locked = lockEntry(root_, id);
    if (!locked) {
        return errorOf(locked);
    }
    const SpoolPaths& paths = locked->paths;
    std::uint64_t bytes = 0;
    struct stat status {};
    if (::fstat(locked->lock.get(), &status) == 0) {
        bytes += static_cast<std::uint64_t>(status.st_size);
    }
    if (::lstat(paths.body.c_str(), &status) == 0) {
        bytes += static_cast<std::uint64_t>(status.st_size);
    }
    if (auto removed = removeFile(paths.metadata); !removed) {
        return removed;
    }
    usage_.removed(bytes);
    // A message file left behind here is an orphan, which removeLeftovers takes.
    if (auto removed = removeFile(paths.body); !removed) {
        return removed;
    }
    return syncDirectory(paths.directory);
}

}  // namespace mailgate
