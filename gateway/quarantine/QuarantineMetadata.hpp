// QuarantineMetadata: a QuarantineEntry as the text file beside the message in the spool,
// in TOML (read by toml++, written here by hand so the same entry always gives the same
// bytes, in an order a person can read). Reading takes whatever is on disk, damaged or
// hostile, and answers an entry or an error naming the line and key; it never throws.
// Layout, with `format = 1` first:
//   top-level keys: format, mailgate_id, queue_id, node, received (unix seconds),
//     envelope_sender, client_address, client_name, helo, message_id, subject, score,
//     reason, body_size, body_sha256
//   [[symbol]] tables: name, score, detail
//   [[recipient]] tables: address, status = "quarantined" | "releasing" (claim_token,
//     claim_expires) | "released" (time, by, server_reply) | "deleted" (time, by)
// A text value that is not UTF-8 is written { bytes_hex = "..." }. Files and I/O are
// QuarantineSpool's business, not this one's.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "gateway/quarantine/QuarantineEntry.hpp"
#include "gateway/util/Result.hpp"

namespace mailgate {

inline constexpr std::int64_t kQuarantineMetadataFormat = 1;

// Bounds on what a metadata file may hold. The writer shortens free text (Subject,
// HELO, Message-ID, reason, client name, symbol details, server replies) to its bound and
// refuses an entry whose addresses, names or counts exceed theirs; the reader refuses
// any field over its bound, so whatever the writer writes, the reader reads.
inline constexpr std::size_t kMaxQuarantineMetadataBytes = 32u << 20;
inline constexpr std::size_t kMaxQuarantineRecipients = 10000;
inline constexpr std::size_t kMaxQuarantineSymbols = 1000;
inline constexpr std::size_t kMaxQuarantineNameBytes = 255;  // IDs, node, client address, by
inline constexpr std::size_t kMaxQuarantineAddressBytes = 1024;
inline constexpr std::size_t kMaxQuarantineTextBytes = 4096;
inline constexpr std::size_t kMaxQuarantineDetailBytes = 1024;  // symbol detail, server reply

// The file's text; an error when the entry breaks a bound or has no valid mailgate ID, no
// recipient, a non-finite score or a negative time.
Result<std::string> writeQuarantineMetadata(const QuarantineEntry& entry);

Result<QuarantineEntry> readQuarantineMetadata(std::string_view text);

// The checks both directions share (the bounds above, the mailgate ID, times, scores).
Result<void> checkQuarantineEntry(const QuarantineEntry& entry);

}  // namespace mailgate
