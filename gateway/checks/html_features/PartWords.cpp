// Words two alternative parts share (see PartWords.hpp).
#include "gateway/checks/html_features/PartWords.hpp"

#include <cctype>

#include "gateway/mime/HtmlText.hpp"
#include "gateway/mime/TextCharacters.hpp"

namespace mailgate {

WordSet distinctWords(std::string_view text, std::size_t maxWords) {
    WordSet words;
    std::string word;
    std::size_t letters = 0;
    auto endWord = [&] {
        if (letters >= 3 && letters <= 40) {
            words.insert(word);
        }
        word.clear();
        letters = 0;
    };
    for (std::size_t at = 0; at < text.size() && words.size() < maxWords;) {
        char32_t c = nextCodePoint(text, at);
        if (isInvisibleCharacter(c)) {
            continue;  // "Vi\u200Bagra" is one word to its reader
        }
        if (!isWordLetter(c)) {
            endWord();
            continue;
        }
        if (c < 0x80) {
            word += static_cast<char>(std::tolower(static_cast<int>(c)));
        } else {
            appendUtf8(word, c);
        }
        ++letters;
    }
    if (words.size() < maxWords) {
        endWord();
    }
    return words;
}

double sharedWordShare(const WordSet& first, const WordSet& second) {
    const WordSet& smaller = first.size() <= second.size() ? first : second;
    const WordSet& larger = first.size() <= second.size() ? second : first;
    if (smaller.empty()) {
        return 1.0;
    }
    std::size_t shared = 0;
    for (const auto& word : smaller) {
        shared += larger.count(word);
    }
    return static_cast<double>(shared) / static_cast<double>(smaller.size());
}

}  // namespace mailgate
