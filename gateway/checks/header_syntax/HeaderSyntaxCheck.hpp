// HeaderSyntaxCheck (B4, docs/features.md): the address fields must parse as RFC 5322 says (Sender
// one mailbox, From a mailbox list, Reply-To, To, Cc address lists, Bcc possibly empty),
// From and Date and Message-ID must be there, and the fields RFC 5322 allows once must
// not come twice. Symbols: HEADER_FROM_INVALID (and _SENDER_, _REPLY_TO_, _TO_, _CC_,
// _BCC_), MISSING_FROM, MISSING_DATE, MISSING_MESSAGE_ID, DUPLICATE_FROM, DUPLICATE_<NAME>.
// With action "reject", an invalid address field or a missing or doubled From rejects.
#pragma once

#include "gateway/config/Config.hpp"
#include "gateway/engine/CheckRegistry.hpp"
#include "gateway/engine/ContentCheck.hpp"

namespace mailgate {

class HeaderSyntaxCheck final : public MessageCheck {
  public:
    explicit HeaderSyntaxCheck(const HeaderCheckSettings& settings) : settings_(settings) {}

    std::string_view name() const override { return "header_syntax"; }
    CheckOutcome check(const Message& message) const override;

  private:
    void checkAddresses(const Message& message, CheckOutcome& outcome) const;
    void checkPresence(const Message& message, CheckOutcome& outcome) const;
    void finding(CheckOutcome& outcome, std::string symbol, double score, std::string detail,
                 bool rejects) const;

    HeaderCheckSettings settings_;
};

CheckDescriptor headerSyntaxCheckDescriptor();

}  // namespace mailgate
