// MailAddress: an envelope address split at its last '@' into local part and domain
// (lower-cased, without a trailing dot), as the envelope checks compare them. A source
// route or quoted local part is kept as text; nothing here validates RFC 5321 syntax.
#pragma once

#include <string>
#include <string_view>

#include "gateway/net/ClientPattern.hpp"

namespace mailgate {

struct MailAddress {
    std::string local_part;  // as sent
    std::string domain;      // canonical; "" when the address has no '@'

    static MailAddress split(std::string_view address) {
        MailAddress parts;
        auto at = address.rfind('@');
        if (at == std::string_view::npos) {
            parts.local_part = std::string(address);
            return parts;
        }
        parts.local_part = std::string(address.substr(0, at));
        parts.domain = canonicalDomainName(address.substr(at + 1));
        return parts;
    }
};

}  // namespace mailgate
