// TOML text pieces for the quarantine metadata (see MetadataText.hpp).
#include "gateway/quarantine/MetadataText.hpp"

#include <charconv>
#include <cmath>

#include "gateway/util/Digests.hpp"

namespace mailgate {
namespace {

// The length of the well-formed UTF-8 sequence at text[at], or 0 when there is none.
std::size_t sequenceLength(std::string_view text, std::size_t at) {
    auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[at + k]); };
    unsigned char lead = byte(0);
    if (lead < 0x80) {
        return 1;
    }
    std::size_t length = lead >= 0xC2 && lead <= 0xDF   ? 2
                         : lead >= 0xE0 && lead <= 0xEF ? 3
                         : lead >= 0xF0 && lead <= 0xF4 ? 4
                                                        : 0;
    if (length == 0 || at + length > text.size()) {
        return 0;
    }
    // The second byte's range depends on the lead: it excludes overlong forms (E0, F0),
    // surrogates (ED) and code points above U+10FFFF (F4).
    unsigned char low = lead == 0xE0 ? 0xA0 : lead == 0xF0 ? 0x90 : 0x80;
    unsigned char high = lead == 0xED ? 0x9F : lead == 0xF4 ? 0x8F : 0xBF;
    if (byte(1) < low || byte(1) > high) {
        return 0;
    }
    for (std::size_t k = 2; k < length; ++k) {
        if ((byte(k) & 0xC0) != 0x80) {
            return 0;
        }
    }
    return length;
}

void appendEscaped(std::string& out, std::string_view text) {
    static constexpr char kDigits[] = "0123456789ABCDEF";
    out += '"';
    for (char c : text) {
        auto byte = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (c == '\n') {
            out += "\\n";
        } else if (c == '\t') {
            out += "\\t";
        } else if (byte < 0x20 || byte == 0x7F) {
            out += "\\u00";
            out += kDigits[byte >> 4];
            out += kDigits[byte & 0x0F];
        } else {
            out += c;
        }
    }
    out += '"';
}

int hexValue(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

}  // namespace

bool isStrictUtf8(std::string_view text) {
    for (std::size_t at = 0; at < text.size();) {
        std::size_t length = sequenceLength(text, at);
        if (length == 0) {
            return false;
        }
        at += length;
    }
    return true;
}

std::string_view truncateText(std::string_view text, std::size_t limit) {
    if (text.size() <= limit) {
        return text;
    }
    std::size_t end = 0;
    while (end < limit) {
        std::size_t length = sequenceLength(text, end);
        if (length == 0) {
            return text.substr(0, limit);  // not UTF-8: any cut will do
        }
        if (end + length > limit) {
            break;
        }
        end += length;
    }
    return text.substr(0, end);
}

void appendTextLine(std::string& out, std::string_view key, std::string_view value) {
    out += key;
    out += " = ";
    if (isStrictUtf8(value)) {
        appendEscaped(out, value);
    } else {
        out += "{ bytes_hex = \"";
        out += hexEncode(reinterpret_cast<const unsigned char*>(value.data()), value.size());
        out += "\" }";
    }
    out += '\n';
}

void appendIntegerLine(std::string& out, std::string_view key, std::int64_t value) {
    out += key;
    out += " = ";
    out += std::to_string(value);
    out += '\n';
}

void appendNumberLine(std::string& out, std::string_view key, double value) {
    out += key;
    out += " = ";
    if (!std::isfinite(value)) {
        out += std::isnan(value) ? "nan" : value > 0 ? "inf" : "-inf";
    } else {
        char digits[64];
        auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
        std::string_view shortest(digits, static_cast<std::size_t>(end - digits));
        out += shortest;
        if (shortest.find_first_of(".e") == std::string_view::npos) {
            out += ".0";  // TOML reads "12" as an integer
        }
    }
    out += '\n';
}

std::optional<std::string> hexDecode(std::string_view hex) {
    if (hex.size() % 2 != 0) {
        return std::nullopt;
    }
    std::string bytes;
    bytes.reserve(hex.size() / 2);
    for (std::size_t i = 0; i < hex.size(); i += 2) {
        int high = hexValue(hex[i]);
        int low = hexValue(hex[i + 1]);
        if (high < 0 || low < 0) {
            return std::nullopt;
        }
        bytes += static_cast<char>(high * 16 + low);
    }
    return bytes;
}

}  // namespace mailgate
