// PhraseFile: one file of the phrase filter (C9, docs/phrase-filter.md) from the phrases
// directory, read into the config snapshot with the rest of the config, so phrase lists
// reload on SIGHUP with it. An entry is a word or phrase (`text`) or an RE2 pattern
// (`pattern`), a weight, and where it applies (Subject, body, both). This file reads and
// validates them, every problem at FILE:LINE (a pattern RE2 refuses, a weight that is not a
// number, a symbol named twice); PhraseMatcher compiles and matches them.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/config/ConfigProblem.hpp"

namespace mailgate {

enum class PhraseScope { Subject, Body, Both };

struct PhraseDefinition {
    std::string symbol;   // "PHRASE_WORK_FROM_HOME": from `name`, else from the text
    std::string text;     // a word or phrase, matched literally (blanks match any blanks) ...
    std::string pattern;  // ... or an RE2 pattern; exactly one of the two is set
    double weight = 1.0;
    PhraseScope scope = PhraseScope::Both;
    std::string comment;
    int line = 0;
};

struct PhraseFile {
    std::filesystem::path path;
    std::vector<PhraseDefinition> phrases;
};

// Every *.toml file of `directory`, in name order. A missing directory is a problem only when
// the postmaster named it (`required`). Symbols must be unique across the files.
std::vector<PhraseFile> loadPhraseFiles(const std::filesystem::path& directory, bool required,
                                        std::vector<ConfigProblem>& problems);
// One file's text, for tests and the fuzz target; `seenSymbols` spans the files of a load.
PhraseFile readPhraseText(const std::filesystem::path& path, std::string_view text,
                          std::vector<std::string>& seenSymbols,
                          std::vector<ConfigProblem>& problems);

// The RE2 pattern (case-insensitive, Unicode) an entry matches with: the text or pattern
// between word boundaries (no letter, digit or "_" just before or after it); its first
// capturing group is what the entry matched.
std::string phrasePatternText(const PhraseDefinition& phrase);
// The text or pattern alone, without the boundaries: what the one-pass set looks for.
std::string phraseCoreText(const PhraseDefinition& phrase);
// "PHRASE_" and the name or text upper-cased, anything but ASCII letters and digits as "_".
std::string phraseSymbolName(std::string_view nameOrText);
const char* phraseScopeName(PhraseScope scope);

inline constexpr std::size_t kMaxPhrasePatternBytes = 1000;

}  // namespace mailgate
