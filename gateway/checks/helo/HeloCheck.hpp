// HeloCheck: the HELO/EHLO name of unauthenticated clients outside the trusted networks.
// RFC 5321 syntax: a fully-qualified name or an address literal ([192.0.2.1],
// [IPv6:2001:db8::1]); a literal must be the client's own address; a bare address is
// invalid; a name must resolve (A, AAAA or MX); and the client must not claim to be us
// (own_helo_names, own_addresses), the classic forgery. An empty HELO means the client
// has not greeted yet, so there is nothing to judge. A DNS failure is HELO_DNS_FAILURE
// with no score, never "does not resolve". It does not look at the PTR (ClientNameCheck).
#pragma once

#include <string>
#include <vector>

#include "gateway/config/Config.hpp"
#include "gateway/engine/CheckRegistry.hpp"
#include "gateway/engine/SmtpStageCheck.hpp"
#include "gateway/net/IpAddress.hpp"

namespace mailgate {

class HeloCheck : public SmtpStageCheck {
  public:
    explicit HeloCheck(const ClientCheckSettings& settings);
    std::string_view name() const override { return "helo"; }
    boost::asio::awaitable<CheckOutcome> check(const SmtpSession& session,
                                               DnsLookup& dns) const override;
    bool appliesAt(SmtpStage stage) const override {
        return isEnvelopeStageFrom(stage, SmtpStage::Helo);
    }
    CheckOutcome unfinished() const override;

  private:
    bool isOwnAddress(const IpAddress& address) const;
    void judgeAddress(CheckOutcome& outcome, const IpAddress& claimed, const IpAddress& client,
                      bool literal, const std::string& shown) const;
    boost::asio::awaitable<void> judgeResolving(CheckOutcome& outcome, const std::string& helo,
                                                DnsLookup& dns) const;

    ClientCheckAction action_;
    ClientCheckDnsFailure on_dns_failure_;
    std::vector<std::string> own_names_;  // canonical: lower case, no trailing dot
    std::vector<IpNetwork> own_networks_;
    double score_invalid_;
    double score_not_resolving_;
    double score_is_ours_;
};

CheckDescriptor heloCheckDescriptor();

}  // namespace mailgate
