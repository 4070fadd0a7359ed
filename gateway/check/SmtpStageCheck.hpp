// SmtpStageCheck: the shape every check of the SMTP stage has (DNSBL, SPF, PTR, HELO,
// sender domain; later greylisting, access lists, recipient verification). One entry
// point that reads the session's facts, may ask DNS, and returns a CheckOutcome; it is
// built once per config snapshot from its settings and is immutable after, so one
// instance serves every connection at once. It knows nothing of Postfix or libmilter.
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
};

}  // namespace mailgate
