// SenderDomainCheck: the envelope sender's domain must be able to receive mail, so that
// bounces and replies have somewhere to go (Postfix's reject_unknown_sender_domain):
// an MX record, or else an A or AAAA record (RFC 5321 5.1 implicit MX). A null MX
// (RFC 7505: a single "0 ." MX) says the domain sends but never receives mail
// (SENDER_DOMAIN_NULL_MX, 550 5.7.27). The null sender is not checked, nor are
// authenticated clients and trusted networks. A DNS failure is SENDER_DOMAIN_DNS_FAILURE
// with no score, never "unknown". It does not judge the local part or SPF.
#pragma once

#include <string>

#include "gateway/config/Config.hpp"
#include "gateway/engine/CheckRegistry.hpp"
#include "gateway/engine/SmtpStageCheck.hpp"

namespace mailgate {

class SenderDomainCheck : public SmtpStageCheck {
  public:
    explicit SenderDomainCheck(const ClientCheckSettings& settings);
    std::string_view name() const override { return "sender_domain"; }
    boost::asio::awaitable<CheckOutcome> check(const SmtpSession& session,
                                               DnsLookup& dns) const override;
    bool appliesAt(SmtpStage stage) const override {
        return isEnvelopeStageFrom(stage, SmtpStage::Mail);
    }
    CheckOutcome unfinished() const override;

  private:
    void recordUnknown(CheckOutcome& outcome, const std::string& domain,
                       const std::string& why) const;
    void recordDnsFailure(CheckOutcome& outcome, const std::string& what) const;

    ClientCheckAction action_;
    ClientCheckDnsFailure on_dns_failure_;
    double score_unknown_;
    double score_null_mx_;
};

// RFC 7505: exactly one MX record, preference 0, target the root (decoded as "").
bool isNullMx(const DnsAnswer& mx);

CheckDescriptor senderDomainCheckDescriptor();

}  // namespace mailgate
