// SubjectShapeCheck (B4/C11 header forensics, docs/content-checks.md): how a Subject is
// written, which says something about who wrote it. Symbols: SUBJECT_ALL_CAPITALS (three
// or more words, at least 12 letters, none lower case), SUBJECT_PUNCTUATION_RUN (three or
// more of ! ? $ * in a row, or five or more "!" in all), SUBJECT_EMPTY (no Subject field or
// nothing in it), SUBJECT_FOREIGN_CHARSET (an encoded Subject in a charset that no text
// part of the message uses, other than US-ASCII and UTF-8). Reads only the parsed
// message; scores are defaults the weight fitter (bench/fit_weights.py) refits.
#pragma once

#include "gateway/engine/CheckRegistry.hpp"
#include "gateway/engine/ContentCheck.hpp"

namespace mailgate {

class SubjectShapeCheck final : public MessageCheck {
  public:
    std::string_view name() const override { return "subject_shape"; }
    CheckOutcome check(const Message& message) const override;
};

CheckDescriptor subjectShapeCheckDescriptor();

}  // namespace mailgate
