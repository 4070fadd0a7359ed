// QuarantineEntry: what the quarantine keeps about one held message besides its bytes:
// the envelope, the client, the headers a postmaster searches by, the verdict's score,
// symbols and reason, and a status per recipient (one recipient's release or deletion
// leaves the others held). The message is stored once however many recipients it has.
// Plain data: QuarantineMetadata reads and writes it, QuarantineSpool stores it; deciding
// who may release what, and the release itself, belong elsewhere.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "gateway/engine/Symbol.hpp"

namespace mailgate {

// Held; nothing has happened to this recipient's copy yet.
struct RecipientQuarantined {
    bool operator==(const RecipientQuarantined&) const = default;
};

// A release is under way: whoever holds `claim_token` is sending the copy. Once
// `claim_expires` (unix seconds) has passed, the claim counts for nothing, so a crash
// between the claim and the server's reply never leaves the recipient stuck.
struct RecipientReleasing {
    std::string claim_token;
    std::int64_t claim_expires = 0;
    bool operator==(const RecipientReleasing&) const = default;
};

// Delivered: the receiving server answered `server_reply` (its 250) at `time`.
struct RecipientReleased {
    std::int64_t time = 0;
    std::string by;
    std::string server_reply;
    bool operator==(const RecipientReleased&) const = default;
};

struct RecipientDeleted {
    std::int64_t time = 0;
    std::string by;
    bool operator==(const RecipientDeleted&) const = default;
};

using RecipientStatus =
    std::variant<RecipientQuarantined, RecipientReleasing, RecipientReleased, RecipientDeleted>;

// "quarantined", "releasing", "released" or "deleted": the word the metadata file uses.
std::string_view recipientStatusName(const RecipientStatus& status);

struct QuarantineRecipient {
    std::string address;
    RecipientStatus status;
    bool operator==(const QuarantineRecipient&) const = default;
};

struct QuarantineEntry {
    std::string mailgate_id;      // also the entry's file names in the spool
    std::string queue_id;         // the MTA's
    std::string node;             // the gateway node whose spool holds the body
    std::int64_t received = 0;    // unix seconds
    std::string envelope_sender;  // empty for the null sender <>
    std::string client_address;
    std::string client_name;  // reverse DNS, empty when there is none
    std::string helo;
    std::string message_id;
    std::string subject;  // decoded
    double score = 0.0;
    std::vector<Symbol> symbols;
    std::string reason;  // "spam score 12.3 >= 8", "rule NAME"
    std::vector<QuarantineRecipient> recipients;
    // Set by QuarantineSpool::store from the message bytes; body_sha256 is lower-case hex.
    std::uint64_t body_size = 0;
    std::string body_sha256;
};

}  // namespace mailgate
