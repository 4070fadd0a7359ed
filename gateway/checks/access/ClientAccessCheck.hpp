// ClientAccessCheck (A9, docs/features.md): the access control lists of SMTP clients. A client in
// access.banned_clients is rejected at every stage; when access.allowed_clients is not
// empty, only clients in it may send at all. Entries are ClientPatterns (addresses, CIDR,
// wildcards, host names, /regexp/); names match the MTA's verified client name only, so
// a forged PTR cannot get a client allowed. No DNS, so it always finishes at once.
#pragma once

#include <string>

#include "gateway/config/Config.hpp"
#include "gateway/engine/CheckRegistry.hpp"
#include "gateway/engine/SmtpStageCheck.hpp"
#include "gateway/net/ClientPattern.hpp"

namespace mailgate {

class ClientAccessCheck final : public SmtpStageCheck {
  public:
    // The loader validated every entry; one that does not parse is skipped here.
    explicit ClientAccessCheck(const AccessSettings& settings);

    std::string_view name() const override { return "access"; }
    boost::asio::awaitable<CheckOutcome> check(const SmtpSession& session,
                                               DnsLookup& dns) const override;
    bool appliesAt(SmtpStage) const override { return true; }
    bool waits() const override { return false; }
    CheckOutcome unfinished() const override { return {}; }

    // The outcome for one client, without a coroutine (check() returns it).
    CheckOutcome judge(const SmtpSession& session) const;

  private:
    ClientPatternList banned_;
    ClientPatternList allowed_;
    std::string reject_text_;
};

CheckDescriptor accessCheckDescriptor();

}  // namespace mailgate
