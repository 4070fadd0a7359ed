// Phrases of the phrase files found in a message (see PhraseCheck.hpp).
#include "gateway/checks/phrases/PhraseCheck.hpp"

namespace mailgate {
namespace {

constexpr const char* kIncomplete = "PHRASES_INCOMPLETE";

std::string reasonOf(const PhraseHit& hit) {
    const auto& phrase = *hit.phrase;
    std::string what =
        phrase.text.empty() ? "pattern of " + phrase.symbol : "\"" + phrase.text + "\"";
    std::string shown;
    for (char c : hit.matched) {
        shown += c == '\r' || c == '\n' || c == '\t' ? ' ' : c;
    }
    return what + " in the " + (hit.in_subject ? "Subject" : "body") + ": \"" + shown + "\"";
}

}  // namespace

CheckOutcome PhraseCheck::check(const Message& message) const {
    CheckOutcome outcome;
    auto matches = matcher_.match(message);
    for (const auto& hit : matches.hits) {
        outcome.addSymbol(hit.phrase->symbol, hit.phrase->weight, reasonOf(hit));
    }
    if (!matches.incomplete.empty()) {
        outcome.addSymbol(kIncomplete, 0.0,
                          "the phrase matcher ran out of memory on " + matches.incomplete +
                              ": not every phrase was looked for");
    }
    return outcome;
}

namespace {

std::vector<std::string> phraseSymbols(const Config& config) {
    std::vector<std::string> symbols{kIncomplete};
    for (const auto& file : config.phrase_files) {
        for (const auto& phrase : file.phrases) {
            symbols.push_back(phrase.symbol);
        }
    }
    return symbols;
}

std::unique_ptr<ContentCheck> makePhraseCheck(const Config& config, const Services&) {
    if (!config.phrases.enabled) {
        return nullptr;
    }
    std::size_t count = 0;
    for (const auto& file : config.phrase_files) {
        count += file.phrases.size();
    }
    if (count == 0) {
        return nullptr;
    }
    return std::make_unique<PhraseCheck>(config.phrase_files);
}

}  // namespace

CheckDescriptor phraseCheckDescriptor() {
    CheckDescriptor descriptor;
    descriptor.name = "phrases";
    descriptor.stage = CheckStage::Content;
    descriptor.phase = CheckPhase::Filter;
    descriptor.config_section = "phrases";
    descriptor.symbols = phraseSymbols;
    descriptor.make_content_check = makePhraseCheck;
    return descriptor;
}

}  // namespace mailgate
