// What the quarantine unit tests share: a sample entry with every kind of field and
// recipient status, IDs made at chosen times, and a temporary directory removed after
// the test. Test support only.
#pragma once

#include <stdlib.h>

#include <cstdint>
#include <filesystem>
#include <string>

#include "gateway/message/MailgateId.hpp"
#include "gateway/quarantine/QuarantineEntry.hpp"

namespace mailgate::testing {

// 2024-03-01 12:00:00 UTC.
inline constexpr std::uint64_t kSampleMilliseconds = 1709294400000;

inline std::string sampleId(std::uint64_t random = 1,
                            std::uint64_t milliseconds = kSampleMilliseconds) {
    return MailgateIdGenerator::format(milliseconds, random);
}

inline QuarantineEntry sampleEntry(const std::string& id = sampleId()) {
    QuarantineEntry entry;
    entry.mailgate_id = id;
    entry.queue_id = "4TmKQZ1cVbz9sF";
    entry.node = "mx1.example.net";
    entry.received = 1709294400;
    entry.envelope_sender = "bounce@sender.example";
    entry.client_address = "192.0.2.7";
    entry.client_name = "mail.sender.example";
    entry.helo = "mail.sender.example";
    entry.message_id = "<20240301120000.1234@sender.example>";
    entry.subject =
        "Gr\xC3\xBC\xC3\x9F"
        "e \"quoted\" \\ back\tslash";
    entry.score = 12.3;
    entry.symbols = {{"BAYES_SPAM", 3.5, "0.99"}, {"DNSBL_SPAMHAUS_ZEN", 3.0, "127.0.0.2"}};
    entry.reason = "spam score 12.3 >= 8";
    entry.recipients = {
        {"alice@example.org", RecipientQuarantined{}},
        {"bob@example.org", RecipientReleasing{"claim-7f3a", 1709294700}},
        {"carol@example.org", RecipientReleased{1709295000, "admin", "250 2.0.0 Ok: queued"}},
        {"dave@example.org", RecipientDeleted{1709295100, "admin"}},
    };
    return entry;
}

class TemporaryDirectory {
  public:
    TemporaryDirectory() {
        char pattern[] = "/tmp/mailgate-quarantine-XXXXXX";
        path_ = ::mkdtemp(pattern);
    }
    ~TemporaryDirectory() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    const std::filesystem::path& path() const { return path_; }

  private:
    std::filesystem::path path_;
};

}  // namespace mailgate::testing
