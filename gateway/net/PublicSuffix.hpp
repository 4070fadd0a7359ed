// PublicSuffix: host names reduced to the domain someone registered ("mail.shop.co.uk" ->
// "shop.co.uk"), by the Public Suffix List (Debian's publicsuffix package, read through
// libpsl once per process, immutable after), and international names in the ASCII
// (punycode) form DNS uses and back. For the checks that compare or look up domains
// (URL lists, sender identity, Bayes tokens). It does no DNS lookups and decides nothing.
#pragma once

#include <string>
#include <string_view>

namespace mailgate {

// The host in lower-case ASCII, international labels as punycode ("Bücher.example" ->
// "xn--bcher-kva.example"), without a trailing dot; "" when it is not a host name
// (empty or overlong labels, bytes no host name has, an IDN libidn2 refuses).
std::string asciiHostName(std::string_view host);

// The host's labels decoded from punycode to UTF-8 ("xn--bcher-kva.example" ->
// "bücher.example"); the lower-case host itself when it has none or they are invalid.
std::string unicodeHostName(std::string_view asciiHost);

// The registrable domain of a host name, lower-case ASCII (punycode for IDNs):
// "www.shop.co.uk" -> "shop.co.uk", "a.b.example.com" -> "example.com". "" for an IP
// address or literal, a bare public suffix ("co.uk", "com"), a single label, or garbage.
// A name under an unknown top-level label counts it as the suffix ("x.shop.test" ->
// "shop.test"), as the list's default rule says.
std::string registrableDomain(std::string_view host);

// registrableDomain(), or the host itself in lower case (no trailing dot) when it has
// none: for comparisons where "localhost" or "co.uk" should still equal itself.
std::string registrableDomainOrHost(std::string_view host);

// Where the list was read from: the Debian file, or libpsl's built-in copy ("" if none).
std::string publicSuffixSource();

}  // namespace mailgate
