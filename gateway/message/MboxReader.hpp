// MboxReader: the messages of an mbox file (the "From " postmark line before each, as
// mail clients and `formail` write them), read one at a time from a stream so a mailbox
// of any size is never held whole in memory. A postmark is a line starting "From " at the
// start of the file or after an empty line; lines quoted as ">From " (mboxrd, mboxo) lose
// one ">" when they are read. A message longer than the cap is skipped, counted, not cut
// short. Not here: locking a live mailbox, Maildir, MMDF, or parsing the messages.
#pragma once

#include <cstddef>
#include <istream>
#include <optional>
#include <string>

namespace mailgate {

class MboxReader {
  public:
    MboxReader(std::istream& in, std::size_t maxMessageBytes)
        : in_(in), max_message_bytes_(maxMessageBytes) {}

    // Whether bytes look like the start of an mbox file (a message file never starts
    // with "From ": its From header has a colon).
    static bool looksLikeMbox(std::string_view start) { return start.substr(0, 5) == "From "; }

    // The next message's bytes without its postmark line; nullopt at the end.
    std::optional<std::string> next();
    // Messages skipped for being longer than the cap, so far.
    std::size_t skippedTooLarge() const { return skipped_too_large_; }

  private:
    std::istream& in_;
    std::size_t max_message_bytes_;
    std::size_t skipped_too_large_ = 0;
    bool started_ = false;  // the first postmark has been read
};

}  // namespace mailgate
