// SmtpCapabilities: what a remote server announced in its EHLO reply (RFC 5321 4.1.1.1):
// the extensions mailgate's SMTP client uses (SIZE, PIPELINING, STARTTLS, 8BITMIME,
// SMTPUTF8) and every keyword as sent, for logs and diagnostics. A server that
// only answered HELO has none. It reads a reply; it negotiates nothing.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "gateway/smtp/SmtpServerReply.hpp"

namespace mailgate {

struct SmtpCapabilities {
    bool extended = false;  // the server accepted EHLO (not only HELO)
    bool size = false;
    std::uint64_t max_size = 0;  // SIZE's argument; 0 when it named no limit
    bool pipelining = false;
    bool starttls = false;
    bool eight_bit_mime = false;
    bool smtputf8 = false;
    std::vector<std::string> keywords;

    // The capabilities of a successful EHLO reply: its first line is the server's name,
    // each further line one keyword and its parameters. Unknown keywords and malformed
    // SIZE arguments are kept in `keywords` and otherwise ignored.
    static SmtpCapabilities fromEhloReply(const SmtpServerReply& reply);
    // Whether the server announced `keyword`, in any letter case.
    bool has(const std::string& keyword) const;
};

}  // namespace mailgate
