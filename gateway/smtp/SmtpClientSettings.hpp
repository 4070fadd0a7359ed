// SmtpClientSettings: how mailgate's SMTP client talks to a server (the internal server for
// the quarantine's release and for recipient callouts): the name it gives in EHLO, one
// timeout per step in milliseconds, STARTTLS (off, opportunistic without verification, or
// required with verification against a CA file and an expected name) and the reply limits.
// Timeouts have no defaults here: the config registry owns them (STYLE.md: one default,
// one place), and validateSmtpClientSettings refuses a zero. It reads no config text.
#pragma once

#include <cstdint>
#include <string>

#include "gateway/smtp/SmtpReplyReader.hpp"
#include "gateway/util/Result.hpp"

namespace mailgate {

enum class SmtpTlsMode {
    Off,            // never STARTTLS
    Opportunistic,  // STARTTLS when offered, certificate not verified; plaintext otherwise
    Required,       // STARTTLS or fail, certificate verified against tls_ca_file and the name
};

struct SmtpClientSettings {
    std::string helo_name;                   // the name in EHLO/HELO: this gateway's host name
    std::int64_t connect_timeout_ms = 0;     // name resolution and TCP connect
    std::int64_t greeting_timeout_ms = 0;    // the server's banner
    std::int64_t command_timeout_ms = 0;     // each command's reply, and the TLS handshake
    std::int64_t data_block_timeout_ms = 0;  // each 64 KiB of message written
    std::int64_t final_dot_timeout_ms = 0;   // the reply to the final "."
    SmtpTlsMode tls = SmtpTlsMode::Off;
    // Required mode: PEM CA certificates to verify the server's chain with ("" for the
    // system's), and the name its certificate must carry ("" for the host connected to).
    std::string tls_ca_file;
    std::string tls_expected_name;
    SmtpReplyLimits reply_limits;
};

// An error naming the first setting that cannot work (a timeout of zero, a HELO name with
// blanks or control bytes).
Result<void> validateSmtpClientSettings(const SmtpClientSettings& settings);

}  // namespace mailgate
