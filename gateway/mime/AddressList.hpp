// AddressList: RFC 5322 section 3.4 address syntax for the header checks (B4, docs/features.md):
// mailbox, mailbox-list (From), address-list with groups (To, Cc, Reply-To), with
// comments and folding whitespace, quoted strings, domain literals, and the obsolete
// forms RFC 5322 section 4.4 says a reader must accept (route, dotted phrases, empty list
// elements). Encoded-words are atoms here, as RFC 2047 says. Bytes above 0x7F are taken
// as RFC 6532 UTF-8 text. It returns the mailboxes, or why and where the text does not
// parse; it never looks anything up.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "gateway/util/Result.hpp"

namespace mailgate {

struct Mailbox {
    std::string display_name;  // as written (quotes and comments removed), "" when none
    std::string local_part;
    std::string domain;

    std::string address() const { return local_part + "@" + domain; }
};

enum class AddressSyntax {
    Mailbox,              // Sender: exactly one mailbox
    MailboxList,          // From: one or more mailboxes, no groups
    AddressList,          // To, Cc, Reply-To: one or more addresses, groups allowed
    OptionalAddressList,  // Bcc: may also be empty
};

// The mailboxes in `text` (a header field's unfolded value), members of groups included.
Result<std::vector<Mailbox>> parseAddresses(std::string_view text, AddressSyntax syntax);

}  // namespace mailgate
