// PhraseCheck (C9 phrase filter, docs/phrase-filter.md): words and phrases of the
// postmaster's phrase files (and the shipped default list) found in the decoded Subject
// and text of a message. Each phrase found adds its own symbol (PHRASE_<NAME>) with the
// phrase's weight and a reason naming what matched and where, once per message however
// often it occurs. PHRASES_INCOMPLETE (score 0) says a text was too hard for the matcher's
// memory budget, so not every phrase was looked for. Reads only the parsed message.
#pragma once

#include <memory>

#include "gateway/checks/phrases/PhraseMatcher.hpp"
#include "gateway/engine/CheckRegistry.hpp"
#include "gateway/engine/ContentCheck.hpp"

namespace mailgate {

class PhraseCheck final : public MessageCheck {
  public:
    explicit PhraseCheck(const std::vector<PhraseFile>& files) : matcher_(files) {}
    std::string_view name() const override { return "phrases"; }
    CheckOutcome check(const Message& message) const override;

  private:
    PhraseMatcher matcher_;
};

CheckDescriptor phraseCheckDescriptor();

}  // namespace mailgate
