// SpfCheck: SPF as an SMTP-stage check. It evaluates the MAIL FROM identity (postmaster@
// HELO for the null sender) unless the client is authenticated, in the trusted networks
// or one of our own MX hosts; it turns the result into a symbol (SPF_PASS, SPF_FAIL, ...)
// with its configured score, a Received-SPF header, and a reject for the results the
// config names. A temperror never rejects: it is "dunno" or, if configured, a tempfail.
#pragma once

#include <string>
#include <vector>

#include "gateway/config/Config.hpp"
#include "gateway/engine/CheckRegistry.hpp"
#include "gateway/engine/SmtpStageCheck.hpp"
#include "gateway/net/IpAddress.hpp"
#include "gateway/spf/SpfEvaluator.hpp"

namespace mailgate {

class SpfCheck : public SmtpStageCheck {
  public:
    // Settings are validated by the config loader; invalid networks are skipped here.
    explicit SpfCheck(const SpfSettings& settings);

    std::string_view name() const override { return "spf"; }
    boost::asio::awaitable<CheckOutcome> check(const SmtpSession& session,
                                               DnsLookup& dns) const override;
    bool appliesAt(SmtpStage stage) const override {
        return isEnvelopeStageFrom(stage, SmtpStage::Mail);
    }
    CheckOutcome unfinished() const override;
    // The symbol name for a result: "SPF_PASS", "SPF_TEMPERROR", ...
    static std::string symbolName(SpfResultCode code);

  private:
    double scoreFor(SpfResultCode code) const;
    // A temperror's dependency failure and, with temperror_action = tempfail, the deferral.
    void recordTemperror(CheckOutcome& outcome, const std::string& reason) const;
    bool rejects(SpfResultCode code) const;
    // Why SPF is not asked about this client, or "" when it is.
    std::string skipReason(const SmtpSession& session) const;

    SpfSettings settings_;
    std::vector<IpNetwork> own_mx_hosts_;
    SpfOptions options_;
};

// This host's name for Received-SPF when spf.receiver is empty.

CheckDescriptor spfCheckDescriptor();

}  // namespace mailgate
