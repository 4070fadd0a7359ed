// HeaderShapeCheck (B4 header forensics, docs/content-checks.md): standard fields missing
// or odd in ways mail clients do not write but bulk tools do. Symbols: MISSING_TO (neither
// To nor Cc), TO_UNDISCLOSED (To is only an empty group, "undisclosed-recipients:;"),
// MIME_VERSION_MISSING (MIME content, multipart or not plain text, without MIME-Version),
// RECEIVED_BELOW_MESSAGE_FIELDS (a Received field below From, To, Cc, Subject, Date or
// Message-ID: servers prepend trace fields above the author's, so a tool wrote this one).
// The syntax of the fields is HeaderSyntaxCheck's. Reads only the parsed message; scores
// are defaults the weight fitter (bench/fit_weights.py) refits.
#pragma once

#include "gateway/engine/CheckRegistry.hpp"
#include "gateway/engine/ContentCheck.hpp"

namespace mailgate {

class HeaderShapeCheck final : public MessageCheck {
  public:
    std::string_view name() const override { return "header_shape"; }
    CheckOutcome check(const Message& message) const override;
};

CheckDescriptor headerShapeCheckDescriptor();

}  // namespace mailgate
