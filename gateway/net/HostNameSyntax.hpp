// HostNameSyntax: the syntax rules the client checks apply before they ask DNS about a
// name a client chose (HELO argument, sender domain): host name shape, RFC 5321 address
// literals, and a printable, bounded copy of hostile text for symbol details and logs.
// It does no DNS lookups and knows nothing of scores or replies; the checks decide.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "gateway/net/IpAddress.hpp"
#include "gateway/util/Result.hpp"

namespace mailgate {

enum class HostNameSyntax {
    Valid,              // dotted host name: "mail.example.com" (one trailing dot allowed)
    NotFullyQualified,  // a well-formed single label: "localhost", "WIN-PC"
    Invalid,            // anything else: bad characters, empty or 64-byte labels, too long
};

// Labels of letters, digits, '-' and '_' (1-63 bytes, no '-' at either end), at most
// 253 bytes, and a top label that is not all digits (so "192.0.2" is not a name).
HostNameSyntax classifyHostName(std::string_view name);

// True when the text is written as an address literal: starts with '[' and ends with ']'.
bool looksLikeAddressLiteral(std::string_view text);

// "[192.0.2.1]", "[IPv6:2001:db8::1]" (tag case-insensitive) or the common untagged
// "[2001:db8::1]" -> the address; anything else (including NUL bytes) -> an error.
Result<IpAddress> parseAddressLiteral(std::string_view text);

// A bare address ("192.0.2.1", "2001:db8::1") with nothing around it, NUL-safe.
bool isBareIpAddress(std::string_view text);

// Lower case, without one trailing dot: the form names are compared in.
std::string canonicalHostName(std::string_view name);

// Non-printable bytes as \xHH, cut to `limit` bytes with "..." after, so a hostile HELO
// cannot forge log lines or flood them.
std::string printableText(std::string_view text, std::size_t limit = 80);

}  // namespace mailgate
