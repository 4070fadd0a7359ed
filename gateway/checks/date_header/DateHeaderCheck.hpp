// DateHeaderCheck (B4 header forensics, docs/content-checks.md): whether the Date field is
// a date a mail client would write, judged against when the message arrived: the date at
// the end of the topmost Received field (the receiving server's own clock), or, without
// one, now. Symbols: DATE_INVALID (Date does not parse as RFC 5322 says), DATE_IN_FUTURE
// (more than 12 hours after arrival), DATE_IN_PAST (more than 4 days before arrival),
// DATE_BAD_TIMEZONE (an offset beyond +-14:00 or not in quarter hours). A missing Date is
// HeaderSyntaxCheck's MISSING_DATE. Scores: fitted by bench/fit_weights.py.
#pragma once

#include <cstdint>
#include <functional>

#include "gateway/engine/CheckRegistry.hpp"
#include "gateway/engine/ContentCheck.hpp"

namespace mailgate {

class DateHeaderCheck final : public MessageCheck {
  public:
    using Clock = std::function<std::int64_t()>;  // seconds since 1970, UTC
    explicit DateHeaderCheck(Clock now) : now_(std::move(now)) {}

    std::string_view name() const override { return "date_header"; }
    CheckOutcome check(const Message& message) const override;

  private:
    Clock now_;
};

CheckDescriptor dateHeaderCheckDescriptor();

}  // namespace mailgate
