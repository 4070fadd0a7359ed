// SenderIdentityCheck (B4 header forensics, docs/content-checks.md): whether the message
// is consistent about who sent it. Symbols: FROM_NAME_OTHER_ADDRESS (the From display name
// carries an address in another domain than the From address: "paypal@paypal.example"
// <x@elsewhere.example>), REPLY_TO_OTHER_DOMAIN (replies go to another domain than From),
// REPLY_TO_FREEMAIL (replies go to a freemail mailbox other than the From address),
// FREEMAIL_MESSAGE_ID_ELSEWHERE (From is a freemail mailbox, but the Message-ID was written
// at a host that is neither that provider's nor one of its sister domains': the message
// did not leave through the provider it names).
// Domains are compared by their last two labels. Freemail domains:
// header_forensics.freemail_domains. Reads only the parsed message; scores are defaults the weight
// fitter (bench/fit_weights.py) refits.
#pragma once

#include <set>
#include <string>

#include "gateway/config/Config.hpp"
#include "gateway/engine/CheckRegistry.hpp"
#include "gateway/engine/ContentCheck.hpp"

namespace mailgate {

class SenderIdentityCheck final : public MessageCheck {
  public:
    explicit SenderIdentityCheck(const HeaderForensicsSettings& settings);

    std::string_view name() const override { return "sender_identity"; }
    CheckOutcome check(const Message& message) const override;

  private:
    bool freemail(const std::string& domain) const;

    std::set<std::string> freemail_domains_;
};

CheckDescriptor senderIdentityCheckDescriptor();

}  // namespace mailgate
