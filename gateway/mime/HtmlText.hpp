// htmlToText: the text a reader of an HTML part would see, for the checks that look at
// words (rules, phrases, Bayes): tags dropped (block tags become line breaks), script,
// style and comments skipped, character references decoded to UTF-8, runs of blanks
// collapsed. One linear pass, output bounded by `maxBytes`; malformed markup is read the
// way browsers are lenient about it. It is not an HTML parser and renders nothing.
// On the way it can collect the targets of links and images (href and src attributes),
// which a reader does not see as text but which tell where the message leads.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace mailgate {

std::string htmlToText(std::string_view html, std::size_t maxBytes);

struct HtmlLinks {
    std::vector<std::string> targets;    // href and src values, entities decoded, in order
    std::size_t max_targets = 64;        // later ones are not kept
    std::size_t max_target_bytes = 512;  // longer values are cut
};

// The same, collecting link targets into `links`.
std::string htmlToText(std::string_view html, std::size_t maxBytes, HtmlLinks& links);

// Decodes the character reference at html[at] (html[at] == '&': "&amp;", "&#65;", "&#x41;")
// onto `out`; returns how many bytes of `html` it took, 0 when there is none to decode.
std::size_t decodeCharacterReference(std::string_view html, std::size_t at, std::string& out);

// Appends the UTF-8 encoding of a code point (invalid ones become U+FFFD).
void appendUtf8(std::string& out, unsigned long codePoint);

}  // namespace mailgate
