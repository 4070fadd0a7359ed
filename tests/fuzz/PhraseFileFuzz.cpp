// libFuzzer target: a phrase file and a text, separated by a line "%%": the phrase file
// reader (TOML, names, validation, RE2 patterns), and when it accepts the file, the compiled
// PhraseMatcher run on the text as a Subject and as a body. Nothing may crash, throw or read
// out of bounds; an accepted file compiles to as many phrases, and no phrase is found twice.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <set>
#include <string_view>

#include "gateway/checks/phrases/PhraseMatcher.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view input(reinterpret_cast<const char*>(data), size);
    auto separator = input.find("\n%%\n");
    std::string_view file = input.substr(0, separator);
    std::string_view text = separator == std::string_view::npos ? "" : input.substr(separator + 4);
    std::vector<mailgate::ConfigProblem> problems;
    std::vector<std::string> symbols;
    auto phrases = mailgate::readPhraseText("fuzz.toml", file, symbols, problems);
    if (!problems.empty()) {
        return 0;
    }
    mailgate::PhraseMatcher matcher({phrases});
    if (matcher.size() != phrases.phrases.size()) {
        std::abort();
    }
    for (bool subject : {true, false}) {
        auto matches = matcher.matchText(text, subject);
        std::set<const mailgate::PhraseDefinition*> seen;
        for (const auto& hit : matches.hits) {
            if (hit.phrase == nullptr || !seen.insert(hit.phrase).second ||
                hit.matched.size() > 80) {
                std::abort();
            }
        }
    }
    return 0;
}
