// The characters of decoded text as a content check must see them: UTF-8 read one code
// point at a time (leniently: a broken byte is one U+FFFD), which code points are blanks,
// and which are invisible (zero-width spaces and joiners, the word joiner, the byte order
// mark, the soft hyphen), with a counter of invisible characters placed inside words,
// where they split a word for a filter but not for a reader. Not a Unicode library: the
// letter test knows the Latin, Greek and Cyrillic scripts (where zero-width characters
// inside a word have no use) and nothing else.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace mailgate {

// The code point at text[at], advancing `at` past it (at < text.size()).
char32_t nextCodePoint(std::string_view text, std::size_t& at);

bool isBlankCharacter(char32_t c);      // ASCII blanks and the no-break space
bool isInvisibleCharacter(char32_t c);  // U+200B-U+200D, U+2060, U+FEFF, U+00AD, U+034F
bool isWordLetter(char32_t c);          // ASCII letters and digits, Latin, Greek, Cyrillic

// Fed the characters of a text in order, counts the invisible ones and those of them that
// sit between two letters ("Vi\u200Bagra").
class InvisibleCharacterCounter {
  public:
    void character(char32_t c);
    // A break the reader sees (a line or block boundary): the word ends.
    void boundary();
    std::uint64_t total() const { return total_; }
    std::uint64_t inWords() const { return in_words_; }

  private:
    std::uint64_t total_ = 0;
    std::uint64_t in_words_ = 0;
    std::uint64_t pending_ = 0;  // invisible characters since the last letter
    bool after_letter_ = false;
};

// The counter run over a whole UTF-8 text (a plain-text part).
InvisibleCharacterCounter countInvisibleCharacters(std::string_view text);

}  // namespace mailgate
