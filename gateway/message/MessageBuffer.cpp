// Message bytes in memory, then in a spool file (see MessageBuffer.hpp).
#include "gateway/message/MessageBuffer.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace mailgate {

Result<void> MessageBuffer::append(std::string_view bytes) {
    size_ += bytes.size();
    if (oversize()) {
        return {};  // counted only: an oversize message is not scanned
    }
    if (fd_ < 0 && memory_.size() + bytes.size() <= memory_limit_) {
        memory_.append(bytes);
        return {};
    }
    if (fd_ < 0) {
        auto spilled = spill();
        if (!spilled) {
            return spilled;
        }
    }
    return writeAll(bytes);
}

Result<void> MessageBuffer::spill() {
    std::string directory = spool_;
    if (directory.empty()) {
        const char* temporary = std::getenv("TMPDIR");
        directory = temporary && *temporary ? temporary : "/tmp";
    }
    std::string pattern = directory + "/mailgate-message-XXXXXX";
    std::vector<char> name(pattern.begin(), pattern.end());
    name.push_back('\0');
    fd_ = ::mkostemp(name.data(), O_CLOEXEC);  // mode 0600
    if (fd_ < 0) {
        return makeError("cannot create a spool file in " + directory + ": " +
                         std::strerror(errno));
    }
    path_ = name.data();
    auto written = writeAll(memory_);
    memory_.clear();
    memory_.shrink_to_fit();
    return written;
}

Result<void> MessageBuffer::writeAll(std::string_view bytes) {
    while (!bytes.empty()) {
        ssize_t written = ::write(fd_, bytes.data(), bytes.size());
        if (written < 0 && errno == EINTR) {
            continue;
        }
        if (written <= 0) {
            return makeError("cannot write the spool file " + path_ + ": " + std::strerror(errno));
        }
        bytes.remove_prefix(static_cast<std::size_t>(written));
    }
    return {};
}

void MessageBuffer::clear() {
    if (fd_ >= 0) {
        ::close(fd_);
        fd_ = -1;
    }
    if (!path_.empty()) {
        ::unlink(path_.c_str());
        path_.clear();
    }
    memory_.clear();
    size_ = 0;
}

}  // namespace mailgate
