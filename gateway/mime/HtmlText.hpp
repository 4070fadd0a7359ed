// htmlToText: the text a reader of an HTML part would see, for the checks that look at
// words (rules, phrases, Bayes): tags dropped (block tags become line breaks), script,
// style and comments skipped, character references decoded to UTF-8, runs of blanks
// collapsed. One linear pass, output bounded by `maxBytes`; malformed markup is read the
// way browsers are lenient about it. It is not an HTML parser and renders nothing.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace mailgate {

std::string htmlToText(std::string_view html, std::size_t maxBytes);

// Appends the UTF-8 encoding of a code point (invalid ones become U+FFFD).
void appendUtf8(std::string& out, unsigned long codePoint);

}  // namespace mailgate
