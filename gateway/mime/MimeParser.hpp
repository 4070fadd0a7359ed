// MimeParser: raw message bytes (in memory, or a spooled file for a big message) into a
// Message, with GMime (the field's MIME library) doing the parsing: header fields with
// RFC 2047 decoding, the MIME tree, RFC 2231 file names, transfer decoding, charsets to
// UTF-8, HTML reduced to text, nested message/rfc822. What GMime reports as broken and
// what we find ourselves (bad base64 or quoted-printable, missing close delimiter,
// unknown charset) becomes MimeDefects. Limits on depth, parts and decoded bytes bound
// the work whatever the input; beyond them the rest is skipped with a defect. Never
// throws for any input. One parser serves every thread (it holds only the limits).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "gateway/message/Message.hpp"

namespace mailgate {

struct MimeLimits {
    std::size_t max_depth = 30;
    std::size_t max_parts = 1000;
    std::uint64_t max_decoded_bytes = 64ull << 20;  // all parts together
    std::uint64_t max_text_bytes = 1ull << 20;      // kept text of one part
    bool digests = false;                           // SHA-1 of each decoded leaf part
};

class MimeParser {
  public:
    explicit MimeParser(MimeLimits limits) : limits_(limits) {}

    Message parse(std::string_view raw, MessageEnvelope envelope) const;
    // The same for a message written to a file (the milter's spill file).
    Message parseFile(const std::string& path, MessageEnvelope envelope) const;

    const MimeLimits& limits() const { return limits_; }

  private:
    MimeLimits limits_;
};

// An unstructured header value unfolded and with its RFC 2047 encoded-words decoded to
// UTF-8 (undecodable words are kept as written).
std::string decodeHeaderText(std::string_view raw);

}  // namespace mailgate
