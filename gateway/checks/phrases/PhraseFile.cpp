// Reading and validating phrase files (see PhraseFile.hpp).
#include "gateway/checks/phrases/PhraseFile.hpp"

#include <re2/re2.h>
#include <toml++/toml.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <sstream>

#include "gateway/config/ConfigDirectory.hpp"
#include "gateway/config/TomlPosition.hpp"

namespace mailgate {
namespace {

class PhraseFileReader {
  public:
    PhraseFileReader(const std::filesystem::path& path, std::vector<std::string>& seenSymbols,
                     std::vector<ConfigProblem>& problems)
        : path_(path), seenSymbols_(seenSymbols), problems_(problems) {}

    PhraseFile readText(std::string_view text) {
        PhraseFile file;
        file.path = path_;
        toml::table document;
        try {
            document = toml::parse(text, path_.string());
        } catch (const toml::parse_error& error) {
            report(lineOf(error.source()), columnOf(error.source()), "",
                   std::string(error.description()));
            return file;
        }
        for (auto&& [key, node] : document) {
            const auto* entries = node.as_array();
            if (key.str() != "phrase") {
                report(lineOf(key.source()), columnOf(key.source()), std::string(key.str()),
                       "unknown key in a phrase file (phrases are written as [[phrase]] tables)");
            } else if (entries == nullptr || !entries->is_array_of_tables()) {
                report(lineOf(key.source()), columnOf(key.source()), "phrase",
                       "must be written as [[phrase]] tables");
            } else {
                for (const auto& entry : *entries) {
                    readPhrase(*entry.as_table(), file);
                }
            }
        }
        return file;
    }

  private:
    void report(int line, int column, std::string key, std::string message) {
        problems_.push_back({path_.string(), line, column, std::move(key), std::move(message)});
    }

    bool text(const toml::key& key, const toml::node& value, std::string& field) {
        if (!value.is_string()) {
            report(lineOf(key.source()), columnOf(key.source()), "phrase." + std::string(key.str()),
                   "expected a string");
            return false;
        }
        field = std::string(value.as_string()->get());
        return true;
    }

    void readPhrase(const toml::table& table, PhraseFile& file) {
        PhraseDefinition phrase;
        phrase.line = lineOf(table.source());
        std::string name;
        bool refused = false;
        for (auto&& [key, value] : table) {
            std::string field(key.str());
            int line = lineOf(key.source());
            int column = columnOf(key.source());
            if (field == "name") {
                refused |= !text(key, value, name);
            } else if (field == "text") {
                refused |= !text(key, value, phrase.text);
            } else if (field == "pattern") {
                refused |= !text(key, value, phrase.pattern);
            } else if (field == "comment") {
                refused |= !text(key, value, phrase.comment);
            } else if (field == "weight") {
                auto number = value.value<double>();
                if (!number || !std::isfinite(*number) || std::fabs(*number) > 100) {
                    report(line, column, "phrase.weight", "expected a number from -100 to 100");
                    refused = true;
                } else {
                    phrase.weight = *number;
                }
            } else if (field == "where") {
                std::string where;
                refused |= !text(key, value, where);
                if (where == "subject") {
                    phrase.scope = PhraseScope::Subject;
                } else if (where == "body") {
                    phrase.scope = PhraseScope::Body;
                } else if (where == "both") {
                    phrase.scope = PhraseScope::Both;
                } else if (!refused) {
                    report(line, column, "phrase.where",
                           "\"" + where.substr(0, 40) + "\" is not one of subject, body, both");
                    refused = true;
                }
            } else {
                report(line, column, "phrase." + field, "unknown key in a phrase");
                refused = true;
            }
        }
        finish(std::move(phrase), name, refused, file);
    }

    void finish(PhraseDefinition phrase, const std::string& name, bool refused, PhraseFile& file) {
        auto problem = [&](std::string message) {
            report(phrase.line, 1, "phrase", std::move(message));
        };
        if (phrase.text.empty() == phrase.pattern.empty()) {
            return problem("a phrase has either text = \"...\" or pattern = \"...\", not " +
                           std::string(phrase.text.empty() ? "neither" : "both"));
        }
        const std::string& written = phrase.text.empty() ? phrase.pattern : phrase.text;
        if (written.size() > kMaxPhrasePatternBytes) {
            return problem("longer than " + std::to_string(kMaxPhrasePatternBytes) + " bytes");
        }
        if (phrase.text.find_first_not_of(" \t") == std::string::npos && !phrase.text.empty()) {
            return problem("the text is only blanks");
        }
        if (!phrase.pattern.empty()) {
            RE2::Options options;
            options.set_log_errors(false);
            options.set_case_sensitive(false);
            RE2 compiled(phrase.pattern, options);
            if (!compiled.ok()) {
                return problem("invalid regular expression: " + compiled.error());
            }
            if (name.empty()) {
                return problem("a pattern needs a name = \"...\" for its symbol");
            }
        }
        phrase.symbol = phraseSymbolName(name.empty() ? phrase.text : name);
        if (phrase.symbol == "PHRASE_" ||
            phrase.symbol.find_first_not_of('_', 7) == std::string::npos) {
            return problem("the name gives no symbol: use letters or digits");
        }
        if (std::find(seenSymbols_.begin(), seenSymbols_.end(), phrase.symbol) !=
            seenSymbols_.end()) {
            return problem("symbol " + phrase.symbol + " is already a phrase (names are unique)");
        }
        if (refused) {
            return;  // its problem is reported; an entry half read is not kept
        }
        seenSymbols_.push_back(phrase.symbol);
        file.phrases.push_back(std::move(phrase));
    }

    std::filesystem::path path_;
    std::vector<std::string>& seenSymbols_;
    std::vector<ConfigProblem>& problems_;
};

}  // namespace

std::string phraseSymbolName(std::string_view nameOrText) {
    std::string symbol = "PHRASE_";
    for (char c : nameOrText) {
        auto byte = static_cast<unsigned char>(c);
        symbol += byte < 0x80 && std::isalnum(byte) ? static_cast<char>(std::toupper(byte)) : '_';
        if (symbol.size() >= 64) {
            break;
        }
    }
    return symbol;
}

const char* phraseScopeName(PhraseScope scope) {
    switch (scope) {
        case PhraseScope::Subject:
            return "subject";
        case PhraseScope::Body:
            return "body";
        case PhraseScope::Both:
            break;
    }
    return "both";
}

std::string phrasePatternText(const PhraseDefinition& phrase) {
    // Word boundaries that know Unicode letters (RE2's \b knows only ASCII ones).
    return "(?i)(?:^|[^\\pL\\pN_])(" + phraseCoreText(phrase) + ")(?:$|[^\\pL\\pN_])";
}

std::string phraseCoreText(const PhraseDefinition& phrase) {
    std::string core;
    if (!phrase.pattern.empty()) {
        core = phrase.pattern;
    } else {
        // Literal words; any run of blanks in the text matches any run of white space.
        std::string word;
        bool pendingBlank = false;
        for (char c : phrase.text) {
            if (c == ' ' || c == '\t') {
                pendingBlank = !core.empty() || !word.empty();
                continue;
            }
            if (pendingBlank) {
                core += RE2::QuoteMeta(word) + "\\s+";
                word.clear();
                pendingBlank = false;
            }
            word += c;
        }
        core += RE2::QuoteMeta(word);
    }
    return core;
}

PhraseFile readPhraseText(const std::filesystem::path& path, std::string_view text,
                          std::vector<std::string>& seenSymbols,
                          std::vector<ConfigProblem>& problems) {
    std::size_t first = problems.size();
    auto file = PhraseFileReader(path, seenSymbols, problems).readText(text);
    sortProblemsByLine(problems, first);
    return file;
}

std::vector<PhraseFile> loadPhraseFiles(const std::filesystem::path& directory, bool required,
                                        std::vector<ConfigProblem>& problems) {
    std::vector<PhraseFile> files;
    std::vector<std::string> seenSymbols;
    for (const auto& path : tomlFilesIn(directory, required, "phrases directory", problems)) {
        std::ifstream input(path, std::ios::binary);
        std::ostringstream text;
        text << input.rdbuf();
        files.push_back(readPhraseText(path, text.str(), seenSymbols, problems));
    }
    return files;
}

}  // namespace mailgate
