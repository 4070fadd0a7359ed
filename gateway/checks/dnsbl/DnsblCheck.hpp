// DnsblCheck: the DNS blacklist and whitelist check of the SMTP stage. Built once per
// config snapshot from [dnsbl]; for a client it skips whitelisted networks, asks every
// list zone at once under one deadline (dnsbl.timeout_ms), and reports zone by zone
// (lookUp) or as a CheckOutcome (check). It never rejects because DNS failed: a zone
// that did not answer is a DNSBL_TEMPFAIL symbol and a dependency failure, not a listing.
#pragma once

#include <chrono>
#include <memory>
#include <vector>

#include "gateway/config/Config.hpp"
#include "gateway/dnsbl/DnsblQueries.hpp"
#include "gateway/dnsbl/DnsblReport.hpp"
#include "gateway/engine/CheckRegistry.hpp"
#include "gateway/engine/SmtpStageCheck.hpp"
#include "gateway/util/Result.hpp"

namespace mailgate {

class DnsblCheck final : public SmtpStageCheck {
  public:
    // Fails only on specs the config loader would have refused (it validates each).
    static Result<std::unique_ptr<DnsblCheck>> create(const DnsblSettings& settings);

    std::string_view name() const override { return "dnsbl"; }
    // Does nothing when disabled, or for authenticated or trusted clients: lists of
    // dynamic addresses would block a company's own travelling users.
    boost::asio::awaitable<CheckOutcome> check(const SmtpSession& session,
                                               DnsLookup& dns) const override;
    bool appliesAt(SmtpStage stage) const override {
        return isEnvelopeStageFrom(stage, SmtpStage::Connect);
    }
    // DNSBL_TEMPFAIL with score 0: a list not asked in time is never "not listed".
    CheckOutcome unfinished() const override;
    // Every zone's answer for `client`, for check() and for `mailgatectl dnsbl`.
    boost::asio::awaitable<DnsblReport> lookUp(IpAddress client, DnsLookup& dns) const;

    bool enabled() const { return enabled_; }
    double rejectThreshold() const { return reject_threshold_; }
    std::chrono::milliseconds deadline() const { return deadline_; }

  private:
    DnsblCheck() = default;
    DnsblReport evaluate(const IpAddress& client, const std::vector<DnsblQueryAnswer>& answers,
                         const std::vector<std::string>& names) const;

    bool enabled_ = false;
    std::vector<DnsblZone> blacklists_;
    std::vector<DnsblZone> whitelists_;
    std::vector<IpNetwork> whitelist_networks_;
    double reject_threshold_ = 0;
    std::chrono::milliseconds deadline_{1500};
    bool fetch_reasons_ = false;
};

CheckDescriptor dnsblCheckDescriptor();

}  // namespace mailgate
