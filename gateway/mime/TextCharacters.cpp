// Characters of decoded text (see TextCharacters.hpp).
#include "gateway/mime/TextCharacters.hpp"

namespace mailgate {

char32_t nextCodePoint(std::string_view text, std::size_t& at) {
    auto lead = static_cast<unsigned char>(text[at]);
    std::size_t length = lead < 0x80           ? 1
                         : (lead >> 5) == 0x6  ? 2
                         : (lead >> 4) == 0xE  ? 3
                         : (lead >> 3) == 0x1E ? 4
                                               : 0;
    if (length == 1) {
        ++at;
        return lead;
    }
    if (length == 0 || at + length > text.size()) {
        ++at;
        return 0xFFFD;
    }
    char32_t code = lead & (0x7F >> length);
    for (std::size_t k = 1; k < length; ++k) {
        auto next = static_cast<unsigned char>(text[at + k]);
        if ((next & 0xC0) != 0x80) {
            ++at;
            return 0xFFFD;
        }
        code = (code << 6) | (next & 0x3F);
    }
    at += length;
    return code;
}

bool isBlankCharacter(char32_t c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v' || c == 0xA0 ||
           c == 0x3000 || (c >= 0x2000 && c <= 0x200A) || c == 0x202F;
}

bool isInvisibleCharacter(char32_t c) {
    return (c >= 0x200B && c <= 0x200D) || c == 0x2060 || c == 0xFEFF || c == 0xAD || c == 0x34F;
}

bool isWordLetter(char32_t c) {
    if (c < 0x80) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }
    bool latin = c >= 0xC0 && c <= 0x24F && c != 0xD7 && c != 0xF7;
    bool greek = c >= 0x370 && c <= 0x3FF;
    bool cyrillic = c >= 0x400 && c <= 0x4FF;
    return latin || greek || cyrillic;
}

void InvisibleCharacterCounter::character(char32_t c) {
    if (isInvisibleCharacter(c)) {
        ++total_;
        if (after_letter_) {
            ++pending_;
        }
        return;
    }
    if (isWordLetter(c)) {
        in_words_ += pending_;
        pending_ = 0;
        after_letter_ = true;
        return;
    }
    boundary();
}

void InvisibleCharacterCounter::boundary() {
    pending_ = 0;
    after_letter_ = false;
}

InvisibleCharacterCounter countInvisibleCharacters(std::string_view text) {
    InvisibleCharacterCounter counter;
    for (std::size_t at = 0; at < text.size();) {
        counter.character(nextCodePoint(text, at));
    }
    return counter;
}

}  // namespace mailgate
