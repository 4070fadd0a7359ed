// foldHeaderValue: a header value made safe to hand to the MTA as one header field: CR,
// LF and NUL replaced by blanks (so no value can end a header or start a new one), and
// folded with "\n\t" before a blank or after a comma when a line would pass `width`
// characters, as RFC 5322 asks (libmilter and Postfix turn "\n" into the right line end).
// `nameLength` is the field name's length, which the first line also holds.
#pragma once

#include <string>
#include <string_view>

namespace mailgate {

std::string foldHeaderValue(std::string_view value, std::size_t nameLength, std::size_t width = 78);

}  // namespace mailgate
