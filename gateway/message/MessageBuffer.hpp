// MessageBuffer: the bytes of one message as the milter receives it (header block, then
// body chunks), in memory up to content.memory_limit and in a file of the spool
// directory past that, so many big messages at once cannot exhaust memory. Past
// content.max_message_size it stops storing (the message will not be scanned) but keeps
// counting. The file is created 0600, never reused, and removed by clear() and by the
// destructor. A failure to write the file is an error value: the milter then tempfails.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "gateway/util/Result.hpp"

namespace mailgate {

class MessageBuffer {
  public:
    MessageBuffer(std::size_t memoryLimit, std::uint64_t maxSize, std::string spoolDirectory)
        : memory_limit_(memoryLimit), max_size_(maxSize), spool_(std::move(spoolDirectory)) {}
    ~MessageBuffer() { clear(); }
    MessageBuffer(const MessageBuffer&) = delete;
    MessageBuffer& operator=(const MessageBuffer&) = delete;

    Result<void> append(std::string_view bytes);
    void clear();

    std::uint64_t size() const { return size_; }
    bool oversize() const { return size_ > max_size_; }
    bool inFile() const { return fd_ >= 0; }
    std::string_view memory() const { return memory_; }
    const std::string& path() const { return path_; }

  private:
    Result<void> spill();
    Result<void> writeAll(std::string_view bytes);

    std::size_t memory_limit_;
    std::uint64_t max_size_;
    std::string spool_;
    std::string memory_;
    std::uint64_t size_ = 0;
    int fd_ = -1;
    std::string path_;
};

}  // namespace mailgate
