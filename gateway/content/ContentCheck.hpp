// ContentCheck: the shape every check of the content stage has (header syntax, broken
// MIME; later rules, lists, phrases, Bayes, ClamAV). One entry point that reads the
// parsed Message and returns a CheckOutcome in the same shape the SMTP-stage checks use:
// named symbols with scores, at most one reply it asks for, headers to add. Built once
// per config snapshot, immutable, so one instance serves every libmilter thread. It
// knows nothing of libmilter and never throws.
#pragma once

#include <string_view>

#include "gateway/check/CheckOutcome.hpp"
#include "gateway/message/Message.hpp"

namespace mailgate {

class ContentCheck {
  public:
    virtual ~ContentCheck() = default;
    virtual std::string_view name() const = 0;
    virtual CheckOutcome check(const Message& message) const = 0;
};

}  // namespace mailgate
