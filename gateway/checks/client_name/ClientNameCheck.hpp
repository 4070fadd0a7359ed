// ClientNameCheck: the client's reverse DNS, for unauthenticated clients outside the
// trusted networks: the address must have a PTR record (CLIENT_NO_PTR) and, with
// ptr_forward_confirmed, one of its PTR names (at most 10 tried) must resolve back to the
// address (CLIENT_PTR_NOT_CONFIRMED; Postfix's reject_unknown_client_hostname). A DNS
// failure is never "no PTR": it is CLIENT_PTR_DNS_FAILURE with no score. It trusts only
// DNS, never the client_name the MTA passed, so milter and policy front ends agree.
#pragma once

#include "gateway/config/Config.hpp"
#include "gateway/engine/CheckRegistry.hpp"
#include "gateway/engine/SmtpStageCheck.hpp"

namespace mailgate {

class ClientNameCheck : public SmtpStageCheck {
  public:
    explicit ClientNameCheck(const ClientCheckSettings& settings);
    std::string_view name() const override { return "ptr"; }
    boost::asio::awaitable<CheckOutcome> check(const SmtpSession& session,
                                               DnsLookup& dns) const override;
    bool appliesAt(SmtpStage stage) const override {
        return isEnvelopeStageFrom(stage, SmtpStage::Connect);
    }
    CheckOutcome unfinished() const override;

    // A PTR set of hundreds of names must not multiply our DNS traffic; 10 is the bound
    // RFC 7208 4.6.4 sets for the same forward check in SPF's "ptr" mechanism.
    static constexpr std::size_t kMaximumNamesConfirmed = 10;

  private:
    struct Confirmation;
    boost::asio::awaitable<Confirmation> confirmForward(const IpAddress& client,
                                                        std::vector<std::string> names,
                                                        DnsLookup& dns) const;

    ClientCheckAction action_;
    ClientCheckDnsFailure on_dns_failure_;
    bool forward_confirmed_;
    double score_no_ptr_;
    double score_not_confirmed_;
};

CheckDescriptor clientNameCheckDescriptor();

}  // namespace mailgate
