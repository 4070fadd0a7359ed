// BrokenMimeCheck (C12, docs/features.md): what the MIME parser found broken, as one symbol per
// kind, each with its configured score: MIME_BAD_BOUNDARY, MIME_BAD_TRANSFER_ENCODING,
// MIME_BAD_ENCODED_WORD, MIME_8BIT_HEADER (not for SMTPUTF8 mail, where 8-bit headers are
// allowed), MIME_BROKEN_HEADER, MIME_BAD_CHARSET, MIME_TOO_COMPLEX, MIME_BAD_PARAMETER.
// The detail lists the defects behind the symbol. It never rejects: broken MIME is a
// sign, not proof; the score decides.
#pragma once

#include "gateway/config/Config.hpp"
#include "gateway/engine/CheckRegistry.hpp"
#include "gateway/engine/ContentCheck.hpp"

namespace mailgate {

class BrokenMimeCheck final : public MessageCheck {
  public:
    explicit BrokenMimeCheck(const MimeCheckSettings& settings) : settings_(settings) {}

    std::string_view name() const override { return "broken_mime"; }
    CheckOutcome check(const Message& message) const override;

    // The symbol a defect code counts towards, or "" when this check ignores it.
    static std::string_view symbolFor(std::string_view defectCode);

  private:
    double scoreFor(std::string_view symbol) const;

    MimeCheckSettings settings_;
};

CheckDescriptor brokenMimeCheckDescriptor();

}  // namespace mailgate
