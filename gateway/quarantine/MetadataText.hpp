// The pieces of TOML text the quarantine metadata writer emits, chosen so toml++ reads
// every one back to the same bytes: strings escaped as TOML basic strings, bytes that are
// not UTF-8 (an 8-bit envelope sender, a broken Subject) as an inline table
// { bytes_hex = "..." }, numbers in their shortest exact form. Also the strict UTF-8 test
// that picks between the two string forms. Not a TOML writer for anything else.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mailgate {

// Well-formed UTF-8 as TOML (and toml++) accept it: no overlong forms, no surrogates,
// nothing above U+10FFFF.
bool isStrictUtf8(std::string_view text);

// The longest prefix of `text` of at most `limit` bytes that does not cut a UTF-8
// sequence in two (a byte cut when the text is not UTF-8 at all).
std::string_view truncateText(std::string_view text, std::size_t limit);

// `key = value` lines, each ending in a newline.
void appendTextLine(std::string& out, std::string_view key, std::string_view value);
void appendIntegerLine(std::string& out, std::string_view key, std::int64_t value);
void appendNumberLine(std::string& out, std::string_view key, double value);

// The bytes that lower- or upper-case hex text stands for; nothing when it is not hex.
std::optional<std::string> hexDecode(std::string_view hex);

}  // namespace mailgate
