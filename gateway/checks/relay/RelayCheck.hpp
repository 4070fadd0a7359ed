// RelayCheck (A4, docs/features.md): anti-relay at RCPT. Mail for the relay domains is accepted
// from anyone; clients in the trusted networks and authenticated clients may relay to
// any domain; everyone else asking for a foreign recipient is rejected with 554 5.7.1
// "Relay access denied", Postfix's own words (Postfix adds the recipient in front). A recipient
// without a domain is local mail, not relaying. It does not verify that the recipient exists
// (recipient checks do).
#pragma once

#include <memory>

#include "gateway/checks/relay/RelayDomains.hpp"
#include "gateway/engine/CheckRegistry.hpp"
#include "gateway/engine/SmtpStageCheck.hpp"

namespace mailgate {

class RelayCheck final : public SmtpStageCheck {
  public:
    explicit RelayCheck(std::shared_ptr<const RelayDomains> domains)
        : domains_(std::move(domains)) {}

    std::string_view name() const override { return "relay"; }
    boost::asio::awaitable<CheckOutcome> check(const SmtpSession& session,
                                               DnsLookup& dns) const override;
    bool appliesAt(SmtpStage stage) const override { return stage == SmtpStage::Rcpt; }
    bool waits() const override { return false; }
    CheckOutcome unfinished() const override { return {}; }

    CheckOutcome judge(const SmtpSession& session) const;

  private:
    std::shared_ptr<const RelayDomains> domains_;
};

CheckDescriptor relayCheckDescriptor();

}  // namespace mailgate
