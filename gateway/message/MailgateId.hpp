// MailgateIdGenerator: makes the mailgate message ID that ties one message's log lines,
// headers and quarantine entry together (the MTA's queue ID is logged beside it, but it
// is not unique across gateway nodes or over time). IDs sort by creation time: 10 base32
// characters of milliseconds since 1970, then 8 random ones. Thread-safe.
#pragma once

#include <cstdint>
#include <mutex>
#include <random>
#include <string>

namespace mailgate {

class MailgateIdGenerator {
  public:
    MailgateIdGenerator();
    std::string next();
    // For tests: the ID that `millisecondsSinceEpoch` and `randomBits` make.
    static std::string format(std::uint64_t millisecondsSinceEpoch, std::uint64_t randomBits);

  private:
    std::mutex mutex_;
    std::mt19937_64 random_;
};

}  // namespace mailgate
