// POSIX file operations of the quarantine spool (see SpoolFiles.hpp).
#include "gateway/quarantine/SpoolFiles.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace mailgate {
namespace {

int retryOnSignal(auto call) {
    int result;
    do {
        result = call();
    } while (result < 0 && errno == EINTR);
    return result;
}

SpoolResult<void> writeAll(int fd, std::string_view bytes, const std::filesystem::path& path) {
    while (!bytes.empty()) {
        ssize_t written = ::write(fd, bytes.data(), bytes.size());
        if (written < 0 && errno == EINTR) {
            continue;
        }
        if (written <= 0) {
            return spoolIoError("write", path, written < 0 ? errno : ENOSPC);
        }
        bytes.remove_prefix(static_cast<std::size_t>(written));
    }
    return {};
}

struct LockedFile {
    FileDescriptor fd;
    std::string name;
};

// A new locked file from `pattern` (ending in XXXXXX). A cleaner in another process may
// remove the name between mkostemp and flock, when the file is not locked yet: such a
// file has no link left once we hold the lock, and we start again.
SpoolResult<LockedFile> createLockedFile(const std::string& pattern) {
    for (int attempt = 0; attempt < 4; ++attempt) {
        std::vector<char> name(pattern.begin(), pattern.end());
        name.push_back('\0');
        FileDescriptor fd(::mkostemp(name.data(), O_CLOEXEC));
        if (!fd.isOpen()) {
            return spoolIoError("create a file like", pattern, errno);
        }
        struct stat status {};
        if (retryOnSignal([&] { return ::flock(fd.get(), LOCK_EX); }) != 0 ||
            ::fstat(fd.get(), &status) != 0) {
            int error = errno;
            ::unlink(name.data());
            return spoolIoError("lock", name.data(), error);
        }
        if (status.st_nlink > 0) {
            return LockedFile{std::move(fd), name.data()};
        }
    }
    return SpoolError{SpoolErrorKind::Io, "cannot create a file like " + pattern +
                                              ": removed by a cleaner four times in a row"};
}

}  // namespace

FileDescriptor& FileDescriptor::operator=(FileDescriptor&& other) noexcept {
    if (this != &other) {
        if (fd_ >= 0) {
            ::close(fd_);
        }
        fd_ = other.release();
    }
    return *this;
}

FileDescriptor::~FileDescriptor() {
    if (fd_ >= 0) {
        ::close(fd_);
    }
}

int FileDescriptor::release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
}

SpoolError spoolIoError(std::string_view what, const std::filesystem::path& path, int error) {
    return SpoolError{SpoolErrorKind::Io, "cannot " + std::string(what) + " " + path.string() +
                                              ": " + std::strerror(error)};
}

SpoolError spoolOpenError(std::string_view what, const std::filesystem::path& path, int error) {
    auto failure = spoolIoError(what, path, error);
    if (error == ENOENT) {
        failure.kind = SpoolErrorKind::NotFound;
    }
    return failure;
}

SpoolResult<TemporaryFile> TemporaryFile::write(const std::filesystem::path& directory,
                                                std::string_view namePrefix,
                                                std::string_view bytes) {
    auto pattern = directory / (std::string(namePrefix) + "XXXXXX");
    auto created = createLockedFile(pattern.string());
    if (!created) {
        return SpoolError{created.errorKind(), created.error()};
    }
    // From here the destructor removes the file on every failure.
    TemporaryFile file(std::move(created->fd), created->name);
    if (auto written = writeAll(file.fd_.get(), bytes, file.path_); !written) {
        return SpoolError{written.errorKind(), written.error()};
    }
    if (::fsync(file.fd_.get()) != 0) {
        return spoolIoError("sync", file.path_, errno);
    }
    return file;
}

TemporaryFile::TemporaryFile(TemporaryFile&& other) noexcept
    : fd_(std::move(other.fd_)), path_(std::move(other.path_)), committed_(other.committed_) {
    other.committed_ = true;  // the moved-from object removes nothing
}

TemporaryFile::~TemporaryFile() {
    if (!committed_ && !path_.empty()) {
        ::unlink(path_.c_str());
    }
}

SpoolResult<void> TemporaryFile::commit(const std::filesystem::path& target) {
    if (::rename(path_.c_str(), target.c_str()) != 0) {
        return spoolIoError("rename " + path_.string() + " to", target, errno);
    }
    committed_ = true;
    return {};
}

SpoolResult<void> syncDirectory(const std::filesystem::path& directory) {
    FileDescriptor fd(::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!fd.isOpen()) {
        return spoolIoError("open the directory", directory, errno);
    }
    if (::fsync(fd.get()) != 0) {
        return spoolIoError("sync the directory", directory, errno);
    }
    return {};
}

SpoolResult<void> makeDirectory(const std::filesystem::path& directory) {
    if (::mkdir(directory.c_str(), S_IRWXU) == 0) {
        return syncDirectory(directory.parent_path());
    }
    int error = errno;
    struct stat status {};
    if (error == EEXIST && ::stat(directory.c_str(), &status) == 0 && S_ISDIR(status.st_mode)) {
        return {};
    }
    return spoolIoError("make the directory", directory, error);
}

SpoolResult<FileDescriptor> lockExistingFile(const std::filesystem::path& path) {
    // Each round loses only to a writer that renamed a new file over this one; a few
    // rounds in a row mean something keeps rewriting the entry.
    for (int attempt = 0; attempt < 16; ++attempt) {
        FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
        if (!fd.isOpen()) {
            return spoolOpenError("open", path, errno);
        }
        if (retryOnSignal([&] { return ::flock(fd.get(), LOCK_EX); }) != 0) {
            return spoolIoError("lock", path, errno);
        }
        struct stat locked {};
        struct stat named {};
        if (::fstat(fd.get(), &locked) != 0) {
            return spoolIoError("examine", path, errno);
        }
        if (::lstat(path.c_str(), &named) != 0) {
            return spoolOpenError("examine", path, errno);  // removed while we waited
        }
        if (locked.st_ino == named.st_ino && locked.st_dev == named.st_dev) {
            return fd;
        }
    }
    return SpoolError{SpoolErrorKind::Io,
                      "cannot lock " + path.string() + ": it was replaced 16 times while waiting"};
}

FileDescriptor tryLockFile(const std::filesystem::path& path) {
    FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
    if (fd.isOpen() && ::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) {
        return {};
    }
    return fd;
}

SpoolResult<std::string> readWholeFile(int fd, const std::filesystem::path& path,
                                       std::uint64_t limit) {
    struct stat status {};
    if (::fstat(fd, &status) != 0) {
        return spoolIoError("examine", path, errno);
    }
    if (!S_ISREG(status.st_mode)) {
        return SpoolError{SpoolErrorKind::Malformed, path.string() + " is not a regular file"};
    }
    auto size = static_cast<std::uint64_t>(status.st_size);
    if (size > limit) {
        return SpoolError{SpoolErrorKind::Malformed,
                          path.string() + " has " + std::to_string(size) + " bytes, more than " +
                              std::to_string(limit)};
    }
    std::string content(size, '\0');
    std::size_t done = 0;
    while (done < content.size()) {
        ssize_t got =
            ::pread(fd, content.data() + done, content.size() - done, static_cast<off_t>(done));
        if (got < 0 && errno == EINTR) {
            continue;
        }
        if (got < 0) {
            return spoolIoError("read", path, errno);
        }
        if (got == 0) {
            content.resize(done);  // shorter than fstat said: a file cut meanwhile
            break;
        }
        done += static_cast<std::size_t>(got);
    }
    return content;
}

SpoolResult<std::string> readWholeFile(const std::filesystem::path& path, std::uint64_t limit) {
    FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
    if (!fd.isOpen()) {
        return spoolOpenError("open", path, errno);
    }
    return readWholeFile(fd.get(), path, limit);
}

SpoolResult<void> removeFile(const std::filesystem::path& path) {
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
        return spoolIoError("remove", path, errno);
    }
    return {};
}

}  // namespace mailgate
