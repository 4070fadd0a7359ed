// SmtpDataBlock: a message's bytes as they go on the wire after DATA (RFC 5321 4.5.2):
// every line ending made CRLF (bare LF and bare CR alike, so no server can read a line
// end, or an end of data, differently from us), a dot doubled at the start of a line,
// a final CRLF added when the message lacks one, then the ".\r\n" that ends the data.
// It also measures what MAIL FROM's SIZE= and BODY=8BITMIME need. It sends nothing.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace mailgate {

struct SmtpDataBlock {
    std::string bytes;             // ready to write, ".\r\n" included
    std::size_t message_size = 0;  // the normalised message, without stuffing or ".\r\n"
    bool eight_bit = false;        // a byte above 0x7f: BODY=8BITMIME when offered

    static SmtpDataBlock encode(std::string_view message);
};

}  // namespace mailgate
