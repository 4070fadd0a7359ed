// SmtpStageCheck: the shape every check of the SMTP stage has (access lists, relay,
// DNSBL, SPF, PTR, HELO, sender, limits). One entry point that reads the session's facts,
// may ask DNS, and returns a CheckOutcome; the stages it judges; and what it contributes
// when it has not finished by the reply deadline. It is built once per config snapshot
// from its settings and is immutable after, so one instance serves every connection at
// once. It knows nothing of Postfix or libmilter. Greylisting, which needs the other
// checks' verdict first, is a GreylistCheck, not one of these.
#pragma once

#include <string_view>

#include "gateway/check/CheckOutcome.hpp"
#include "gateway/check/SmtpSession.hpp"
#include "gateway/dns/DnsLookup.hpp"
#include "gateway/util/Asio.hpp"

namespace mailgate {

class SmtpStageCheck {
  public:
    virtual ~SmtpStageCheck() = default;
    // A stable lower-case name for logs and `mailgatectl` ("dnsbl", "spf", "helo").
    virtual std::string_view name() const = 0;
    // Never throws; a DNS failure comes back as outcome.dependency_failure and, when
    // the check's policy says so, a temporary-failure reply.
    virtual boost::asio::awaitable<CheckOutcome> check(const SmtpSession& session,
                                                       DnsLookup& dns) const = 0;
    // Whether the check judges the session at this stage.
    virtual bool appliesAt(SmtpStage stage) const = 0;
    // Its contribution when check() has not finished by the reply deadline: what its
    // configured policy for a failed dependency says (a zero-score symbol, and a deferral
    // only where that policy asks for one). Never a reject.
    virtual CheckOutcome unfinished() const = 0;
};

}  // namespace mailgate
