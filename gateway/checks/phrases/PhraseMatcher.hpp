// PhraseMatcher: the phrase files of a config snapshot compiled into one RE2::Set for the
// Subject and one for the body, so all phrases are looked for in one pass over each text
// part however many there are (docs/phrase-filter.md); the few the set finds are then
// confirmed as whole words by their own expression (the set leaves the Unicode word
// boundaries out: 2,000 of them would make its automaton huge). Immutable once built; shared by
// every libmilter thread. It only says which phrases a message holds and what they matched;
// PhraseCheck turns that into symbols.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/checks/phrases/PhraseFile.hpp"
#include "gateway/message/Message.hpp"

namespace re2 {
class RE2;
}  // namespace re2

namespace mailgate {

struct PhraseHit {
    const PhraseDefinition* phrase = nullptr;
    bool in_subject = false;
    std::string matched;  // the text it matched, as written in the message (bounded)
};

struct PhraseMatches {
    std::vector<PhraseHit> hits;  // each phrase once, in file order
    // A text the matcher could not finish (RE2 ran out of its memory budget): named, so the
    // check can say the phrases were not all looked for.
    std::string incomplete;
};

class PhraseMatcher {
  public:
    explicit PhraseMatcher(const std::vector<PhraseFile>& files);
    ~PhraseMatcher();
    PhraseMatcher(const PhraseMatcher&) = delete;
    PhraseMatcher& operator=(const PhraseMatcher&) = delete;

    std::size_t size() const { return phrases_.size(); }
    // The decoded Subject and every text part that is not an attachment.
    PhraseMatches match(const Message& message) const;
    // One text, for tests: Subject phrases when `subject`, else body phrases.
    PhraseMatches matchText(std::string_view text, bool subject) const;

  private:
    struct Region;
    void matchRegion(const Region& region, std::string_view text, bool subject,
                     std::vector<bool>& seen, PhraseMatches& matches) const;

    std::vector<PhraseDefinition> phrases_;
    std::vector<std::unique_ptr<re2::RE2>> compiled_;  // by phrase, to show what matched
    std::unique_ptr<Region> subject_;
    std::unique_ptr<Region> body_;
};

}  // namespace mailgate
