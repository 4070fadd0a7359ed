// MailgateIdGenerator: makes the mailgate message ID that ties one message's log lines,
// headers and quarantine entry together (the MTA's queue ID is logged beside it, but it
// is not unique across gateway nodes or over time). IDs sort by creation time: 10 base32
// characters of milliseconds since 1970, then 8 random ones. Thread-safe.
// millisecondsOfMailgateId reads one back, refusing anything else (the quarantine spool
// uses IDs as file names).
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <string_view>

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

// The creation time of a well-formed mailgate ID (18 characters of the generator's
// alphabet, upper case), or nothing for any other text.
std::optional<std::uint64_t> millisecondsOfMailgateId(std::string_view id);

}  // namespace mailgate
