// SmtpStageCheck: the shape every check of the SMTP stage has (access lists, relay,
// limits, local senders, PTR, HELO, sender domain, DNSBL, SPF, greylisting). One entry
// point that reads the session's facts, may ask DNS, and returns a CheckOutcome; the
// stages it judges; what it contributes when it has not finished by the reply deadline;
// and how long it can take at most when that must be reserved for it (post-filters, which
// run after the others). It is built once per config snapshot by its factory in the check
// registry (CheckRegistry.hpp), with the process's services, and is immutable after, so
// one instance serves every connection at once. It knows nothing of Postfix or libmilter.
#pragma once

#include <chrono>
#include <string_view>

#include "gateway/dns/DnsLookup.hpp"
#include "gateway/engine/CheckOutcome.hpp"
#include "gateway/engine/SmtpSession.hpp"
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
    // The longest check() can take before it answers or fails on its own; the engine
    // keeps that much of the reply deadline for a post-filter. 0: nothing to keep.
    virtual std::chrono::milliseconds latencyBound() const { return {}; }
    // False for a check that never waits (no DNS, no store): the stage runs it inline
    // instead of as a concurrent task, which would cost a coroutine spawn and a strand
    // per request. Such a check must not co_await anything.
    virtual bool waits() const { return true; }
};

}  // namespace mailgate
