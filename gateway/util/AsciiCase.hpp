// AsciiCase: lower-casing of protocol text (addresses, domains, header names, MIME
// types), byte by byte in ASCII, whatever the process locale. Not for Unicode text:
// display names and subjects are compared by RE2's case folding instead.
#pragma once

#include <cctype>
#include <string>
#include <string_view>

namespace mailgate {

inline std::string lowerCase(std::string_view text) {
    std::string out(text);
    for (char& c : out) {
        auto byte = static_cast<unsigned char>(c);
        c = byte < 0x80 ? static_cast<char>(std::tolower(byte)) : c;
    }
    return out;
}

inline bool equalsIgnoreCase(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) {
        return false;
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
        auto x = static_cast<unsigned char>(a[i]);
        auto y = static_cast<unsigned char>(b[i]);
        if (x != y && (x >= 0x80 || y >= 0x80 || std::tolower(x) != std::tolower(y))) {
            return false;
        }
    }
    return true;
}

}  // namespace mailgate
