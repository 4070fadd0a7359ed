// SmtpReplyReader: reads a remote SMTP server's replies from a byte stream, incrementally,
// single- and multi-line ("250-first" ... "250 last"), CRLF or bare LF. Bounded: a line
// longer than max_line_length or a reply of more than max_lines lines is an error value,
// found as soon as the bytes arrive (a 2 MB banner without a newline costs at most one
// line's worth of buffer). Codes that are not three digits from 2xx to 5xx, or that differ
// between the lines of one reply, are errors too. It only parses; it reads no socket.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "gateway/smtp/SmtpServerReply.hpp"
#include "gateway/util/Result.hpp"

namespace mailgate {

struct SmtpReplyLimits {
    std::size_t max_line_length = 2000;  // bytes, without the line ending
    std::size_t max_lines = 100;
};

class SmtpReplyReader {
  public:
    explicit SmtpReplyReader(SmtpReplyLimits limits = {}) : limits_(limits) {}

    // Appends bytes read from the server.
    void feed(std::string_view bytes) { buffer_.append(bytes); }
    // The next complete reply, nothing when more bytes are needed, or an error when the
    // input breaks the protocol or a limit (the connection must then be dropped: the
    // reader does not resynchronise).
    Result<std::optional<SmtpServerReply>> next();
    // Bytes received but not yet part of a complete reply (a server must send nothing
    // after its answer to STARTTLS: such bytes would be injected into the TLS session).
    std::size_t pendingBytes() const { return buffer_.size() - position_; }
    // Forgets everything buffered and any reply begun (after the TLS handshake).
    void clear();

  private:
    Result<bool> acceptLine(std::string_view line);

    SmtpReplyLimits limits_;
    std::string buffer_;
    std::size_t position_ = 0;
    SmtpServerReply current_;
};

}  // namespace mailgate
