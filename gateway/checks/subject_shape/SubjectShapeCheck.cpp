// How a Subject is written (see SubjectShapeCheck.hpp).
#include "gateway/checks/subject_shape/SubjectShapeCheck.hpp"

#include <algorithm>
#include <cctype>
#include <set>

#include "gateway/util/AsciiCase.hpp"

namespace mailgate {
namespace {

// Scores fitted on the training groups by bench/fit_weights.py (docs/PERFORMANCE.md); a
// symbol seen too rarely there to be fitted keeps a cautious placeholder (marked). The
// fitted weights also ship in the example config's scoring.symbol_weights.
constexpr SymbolDefault kAllCapitals{"SUBJECT_ALL_CAPITALS", 1.9};
constexpr SymbolDefault kPunctuationRun{"SUBJECT_PUNCTUATION_RUN", 0.15};
constexpr SymbolDefault kEmpty{"SUBJECT_EMPTY", 0.5};  // too rare to fit
constexpr SymbolDefault kForeignCharset{"SUBJECT_FOREIGN_CHARSET", 0.39};

bool allCapitals(std::string_view subject) {
    std::size_t letters = 0;
    std::size_t words = 0;
    bool inWord = false;
    for (char c : subject) {
        auto byte = static_cast<unsigned char>(c);
        if (std::islower(byte)) {
            return false;
        }
        bool letter = std::isupper(byte) != 0;
        letters += letter ? 1 : 0;
        if (letter && !inWord) {
            ++words;
        }
        inWord = letter || (inWord && std::isdigit(byte));
    }
    return words >= 3 && letters >= 12;
}

bool punctuationRun(std::string_view subject) {
    std::size_t run = 0;
    std::size_t exclamations = 0;
    for (char c : subject) {
        bool loud = c == '!' || c == '?' || c == '$' || c == '*';
        run = loud ? run + 1 : 0;
        exclamations += c == '!' ? 1 : 0;
        if (run >= 3 || exclamations >= 5) {
            return true;
        }
    }
    return false;
}

// The charsets named by the encoded-words of a raw header value ("=?gb2312?B?...?=").
std::set<std::string> encodedCharsets(std::string_view raw) {
    std::set<std::string> charsets;
    for (auto at = raw.find("=?"); at != std::string_view::npos; at = raw.find("=?", at + 2)) {
        auto end = raw.find('?', at + 2);
        if (end == std::string_view::npos || end - at - 2 > 40) {
            break;
        }
        auto charset = lowerCase(raw.substr(at + 2, end - at - 2));
        auto star = charset.find('*');  // RFC 2231 language: "utf-8*en"
        charsets.insert(star == std::string::npos ? charset : charset.substr(0, star));
    }
    return charsets;
}

std::string shown(std::string_view text) {
    return std::string(text.substr(0, 80)) + (text.size() > 80 ? "..." : "");
}

}  // namespace

CheckOutcome SubjectShapeCheck::check(const Message& message) const {
    CheckOutcome outcome;
    const auto* subject = message.firstHeader("Subject");
    std::string_view value = subject != nullptr ? std::string_view(subject->value) : "";
    auto first = value.find_first_not_of(" \t");
    if (first == std::string_view::npos) {
        outcome.addSymbol(kEmpty.name, kEmpty.score,
                          subject != nullptr ? "the Subject is empty" : "no Subject field");
        return outcome;
    }
    if (allCapitals(value)) {
        outcome.addSymbol(kAllCapitals.name, kAllCapitals.score,
                          "no lower-case letter in \"" + shown(value) + "\"");
    }
    if (punctuationRun(value)) {
        outcome.addSymbol(kPunctuationRun.name, kPunctuationRun.score,
                          "loud punctuation in \"" + shown(value) + "\"");
    }
    std::set<std::string> bodyCharsets;
    for (const auto& part : message.parts) {
        if (!part.multipart && !part.charset.empty()) {
            bodyCharsets.insert(part.charset);
        }
    }
    for (const auto& charset : encodedCharsets(subject->raw_value)) {
        if (charset != "us-ascii" && charset != "utf-8" && bodyCharsets.count(charset) == 0) {
            outcome.addSymbol(kForeignCharset.name, kForeignCharset.score,
                              "Subject encoded in " + charset + ", which no text part uses");
            break;
        }
    }
    return outcome;
}

namespace {

std::vector<std::string> subjectShapeSymbols(const Config&) {
    return {kAllCapitals.name, kPunctuationRun.name, kEmpty.name, kForeignCharset.name};
}

std::unique_ptr<ContentCheck> makeSubjectShapeCheck(const Config& config, const Services&) {
    if (!config.header_forensics.enabled) {
        return nullptr;
    }
    return std::make_unique<SubjectShapeCheck>();
}

}  // namespace

CheckDescriptor subjectShapeCheckDescriptor() {
    CheckDescriptor descriptor;
    descriptor.name = "subject_shape";
    descriptor.stage = CheckStage::Content;
    descriptor.phase = CheckPhase::Filter;
    descriptor.config_section = "header_forensics";
    descriptor.symbols = subjectShapeSymbols;
    descriptor.make_content_check = makeSubjectShapeCheck;
    return descriptor;
}

}  // namespace mailgate
