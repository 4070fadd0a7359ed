// All phrases matched in one pass per text (see PhraseMatcher.hpp).
#include "gateway/checks/phrases/PhraseMatcher.hpp"

#include <re2/re2.h>
#include <re2/set.h>

#include <algorithm>

namespace mailgate {

struct PhraseMatcher::Region {
    std::unique_ptr<re2::RE2::Set> set;
    std::vector<std::size_t> phrase_of;  // Set index -> index in phrases_
    bool compiled = false;
};

namespace {

re2::RE2::Options matcherOptions() {
    re2::RE2::Options options;
    options.set_log_errors(false);
    options.set_max_mem(std::int64_t{64} << 20);
    return options;
}

constexpr std::size_t kShownBytes = 80;

// phrases_ holds the phrases in file order, so their addresses are that order.
void inFileOrder(PhraseMatches& matches) {
    std::stable_sort(matches.hits.begin(), matches.hits.end(),
                     [](const PhraseHit& a, const PhraseHit& b) { return a.phrase < b.phrase; });
}

}  // namespace

PhraseMatcher::PhraseMatcher(const std::vector<PhraseFile>& files)
    : subject_(std::make_unique<Region>()), body_(std::make_unique<Region>()) {
    auto options = matcherOptions();
    for (auto* region : {subject_.get(), body_.get()}) {
        region->set = std::make_unique<re2::RE2::Set>(options, re2::RE2::UNANCHORED);
    }
    for (const auto& file : files) {
        for (const auto& phrase : file.phrases) {
            auto compiled = std::make_unique<re2::RE2>(phrasePatternText(phrase), options);
            if (!compiled->ok()) {
                continue;  // the loader checked every pattern; never here
            }
            std::string core = "(?i)(?:" + phraseCoreText(phrase) + ")";
            std::size_t index = phrases_.size();
            phrases_.push_back(phrase);
            compiled_.push_back(std::move(compiled));
            if (phrase.scope != PhraseScope::Body && subject_->set->Add(core, nullptr) >= 0) {
                subject_->phrase_of.push_back(index);
            }
            if (phrase.scope != PhraseScope::Subject && body_->set->Add(core, nullptr) >= 0) {
                body_->phrase_of.push_back(index);
            }
        }
    }
    for (auto* region : {subject_.get(), body_.get()}) {
        region->compiled = !region->phrase_of.empty() && region->set->Compile();
    }
}

PhraseMatcher::~PhraseMatcher() = default;

void PhraseMatcher::matchRegion(const Region& region, std::string_view text, bool subject,
                                std::vector<bool>& seen, PhraseMatches& matches) const {
    if (!region.compiled || text.empty()) {
        return;
    }
    std::vector<int> found;
    re2::RE2::Set::ErrorInfo error;
    if (!region.set->Match(text, &found, &error)) {
        if (error.kind != re2::RE2::Set::kNoError && matches.incomplete.empty()) {
            matches.incomplete = subject ? "the Subject" : "a text part";
        }
        return;
    }
    for (int hit : found) {
        std::size_t index = region.phrase_of[static_cast<std::size_t>(hit)];
        // The set found the phrase's words somewhere; whether they stand as whole words (not
        // "free" inside "freedom") is asked of the phrase's own expression, for candidates only.
        re2::StringPiece matched;
        if (seen[index] || !re2::RE2::PartialMatch(text, *compiled_[index], &matched)) {
            continue;
        }
        seen[index] = true;
        PhraseHit phraseHit;
        phraseHit.phrase = &phrases_[index];
        phraseHit.in_subject = subject;
        phraseHit.matched = std::string(matched.data(), std::min(matched.size(), kShownBytes));
        matches.hits.push_back(std::move(phraseHit));
    }
}

PhraseMatches PhraseMatcher::matchText(std::string_view text, bool subject) const {
    PhraseMatches matches;
    std::vector<bool> seen(phrases_.size(), false);
    matchRegion(subject ? *subject_ : *body_, text, subject, seen, matches);
    inFileOrder(matches);
    return matches;
}

PhraseMatches PhraseMatcher::match(const Message& message) const {
    PhraseMatches matches;
    std::vector<bool> seen(phrases_.size(), false);
    if (const auto* subject = message.firstHeader("Subject")) {
        matchRegion(*subject_, subject->value, true, seen, matches);
    }
    for (const auto& part : message.parts) {
        if (!part.multipart && !part.attachment && !part.text.empty()) {
            matchRegion(*body_, part.text, false, seen, matches);
        }
    }
    inFileOrder(matches);
    return matches;
}

}  // namespace mailgate
