// LocalSenderCheck (B1, docs/features.md): a sender claiming one of our own domains (relay.domains)
// must be one of the known local addresses (local_senders.addresses), so outsiders cannot
// send as our users. Compared case-insensitively, with a "+extension" allowed on a known
// address. Clients in the trusted networks (our own servers) and, if configured,
// authenticated clients are not checked. The null sender is never a local user claim.
#pragma once

#include <memory>
#include <string>
#include <unordered_set>

#include "gateway/checks/relay/RelayDomains.hpp"
#include "gateway/config/Config.hpp"
#include "gateway/engine/CheckRegistry.hpp"
#include "gateway/engine/SmtpStageCheck.hpp"

namespace mailgate {

class LocalSenderCheck final : public SmtpStageCheck {
  public:
    LocalSenderCheck(const LocalSenderSettings& settings,
                     std::shared_ptr<const RelayDomains> domains);

    std::string_view name() const override { return "local_sender"; }
    boost::asio::awaitable<CheckOutcome> check(const SmtpSession& session,
                                               DnsLookup& dns) const override;
    bool appliesAt(SmtpStage stage) const override {
        return isEnvelopeStageFrom(stage, SmtpStage::Mail);
    }
    bool waits() const override { return false; }
    CheckOutcome unfinished() const override { return {}; }

    CheckOutcome judge(const SmtpSession& session) const;

  private:
    bool isKnown(const std::string& sender) const;

    std::unordered_set<std::string> addresses_;  // lower case
    std::shared_ptr<const RelayDomains> domains_;
    bool skip_trusted_networks_;
    bool skip_authenticated_;
};

CheckDescriptor localSenderCheckDescriptor();

}  // namespace mailgate
