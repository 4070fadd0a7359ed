// SpoolFiles: the POSIX file operations the quarantine spool is made of, each answering
// an error value with the path and the system's reason: a temporary file written, synced
// and held under an exclusive flock(2) until it is renamed into place; directory sync;
// locking an existing file that others may replace by rename; bounded whole-file reads.
// The locks are what lets several processes share a spool (see QuarantineSpool.hpp).
// Nothing here knows about entries or metadata.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "gateway/quarantine/SpoolResult.hpp"

namespace mailgate {

// An open file descriptor, closed (and so unlocked) on destruction.
class FileDescriptor {
  public:
    FileDescriptor() = default;
    explicit FileDescriptor(int fd) : fd_(fd) {}
    FileDescriptor(FileDescriptor&& other) noexcept : fd_(other.release()) {}
    FileDescriptor& operator=(FileDescriptor&& other) noexcept;
    FileDescriptor(const FileDescriptor&) = delete;
    FileDescriptor& operator=(const FileDescriptor&) = delete;
    ~FileDescriptor();

    int get() const { return fd_; }
    bool isOpen() const { return fd_ >= 0; }
    int release();

  private:
    int fd_ = -1;
};

// A temporary file in its final directory, holding the bytes written, synced to disk, and
// locked. Its destructor removes it unless `commit` renamed it into place.
class TemporaryFile {
  public:
    // A new file "<directory>/<namePrefix>XXXXXX" (mkostemp: mode 0600, a unique name).
    static SpoolResult<TemporaryFile> write(const std::filesystem::path& directory,
                                            std::string_view namePrefix, std::string_view bytes);
    TemporaryFile(TemporaryFile&& other) noexcept;
    TemporaryFile& operator=(TemporaryFile&&) = delete;
    TemporaryFile(const TemporaryFile&) = delete;
    ~TemporaryFile();

    // rename(2) over `target` (same directory). The file stays open and locked until this
    // object is gone, so a cleaner in another process can tell it is not abandoned.
    SpoolResult<void> commit(const std::filesystem::path& target);

  private:
    TemporaryFile(FileDescriptor fd, std::filesystem::path path)
        : fd_(std::move(fd)), path_(std::move(path)) {}

    FileDescriptor fd_;
    std::filesystem::path path_;
    bool committed_ = false;
};

// "cannot WHAT PATH: REASON" as an Io error; spoolOpenError makes ENOENT NotFound, for
// the opening of a file that may rightly be absent.
SpoolError spoolIoError(std::string_view what, const std::filesystem::path& path, int error);
SpoolError spoolOpenError(std::string_view what, const std::filesystem::path& path, int error);

// fsync(2) of a directory, making the renames and removals in it durable.
SpoolResult<void> syncDirectory(const std::filesystem::path& directory);

// mkdir(2) mode 0700 unless it exists; a new directory is made durable in its parent.
SpoolResult<void> makeDirectory(const std::filesystem::path& directory);

// `path` opened and held under an exclusive lock, checked after locking to still be the
// file of that name (a writer may have renamed a new file over it meanwhile). NotFound
// when there is no such file.
SpoolResult<FileDescriptor> lockExistingFile(const std::filesystem::path& path);

// `path` opened and locked without waiting; nothing open when another holds its lock or
// the file is gone.
FileDescriptor tryLockFile(const std::filesystem::path& path);

// The whole content of an open file, or of a path (never through a symbolic link);
// Malformed when it is larger than `limit` bytes, NotFound when there is no such file.
SpoolResult<std::string> readWholeFile(int fd, const std::filesystem::path& path,
                                       std::uint64_t limit);
SpoolResult<std::string> readWholeFile(const std::filesystem::path& path, std::uint64_t limit);

// unlink(2); a file already gone is not an error.
SpoolResult<void> removeFile(const std::filesystem::path& path);

}  // namespace mailgate
