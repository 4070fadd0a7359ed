// decodeEncodedWords: RFC 2047 encoded-words ("=?UTF-8?B?...?=", "=?ISO-8859-1?Q?...?=")
// in a header value or parameter, decoded to UTF-8. Our own, because GMime 3.2 joins the
// base64 text of adjacent words before decoding, so a padded word ("QQ==") swallows the
// ones after it. Here each word is decoded alone; the bytes of adjacent words in the same
// charset are joined before the charset conversion (a character may be split across two
// words); blanks between adjacent encoded words go; text outside words is kept, read as
// UTF-8, or as ISO-8859-1 when it is not valid UTF-8. Never fails: an undecodable word is
// kept as written and reported through `invalid`.
#pragma once

#include <string>
#include <string_view>

namespace mailgate {

std::string decodeEncodedWords(std::string_view text, bool* invalid = nullptr);

// The value of parameter `name` in a raw structured field value such as
// `attachment; filename="a b.pdf"` (quotes and \-escapes removed), or nothing.
bool findHeaderParameter(std::string_view fieldValue, std::string_view name, std::string& value);

}  // namespace mailgate
