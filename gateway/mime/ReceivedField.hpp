// ReceivedField: what one Received trace field (RFC 5321 section 4.4) says about the hop it
// records: the client's address, the name its reverse DNS gave (when the receiving server
// wrote it), the HELO name, the receiving host and the date after the last ";". Servers
// write the "from" clause in their own ways (Postfix and Sendmail "from HELO (NAME [IP])",
// Exim "from NAME ([IP] helo=HELO)", qmail "from NAME (HELO HELO) (IP)"); this reads those
// and leaves what it cannot tell empty. Facts only, bounded work; it never throws.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mailgate {

enum class ReverseName { Unknown, Named, Missing };  // Missing: the server said it had none

struct ReceivedField {
    std::string client_address;  // "192.0.2.1", "2001:db8::1"; "" when none was written
    std::string helo;            // as written, lower case; "" when not told
    std::string reverse_name;    // lower case, when reverse == Named
    ReverseName reverse = ReverseName::Unknown;
    std::string by;                    // the receiving host, lower case
    std::optional<std::int64_t> date;  // seconds since 1970, when the date parses
};

// Reads an unfolded Received value. Only the first 2,000 bytes are looked at.
ReceivedField parseReceivedField(std::string_view value);

}  // namespace mailgate
