// RFC 2047 encoded-words to UTF-8 (see EncodedWords.hpp).
#include "gateway/mime/EncodedWords.hpp"

#include <glib.h>
#include <strings.h>

#include <cctype>
#include <optional>

#include "gateway/mime/HtmlText.hpp"

namespace mailgate {
namespace {

struct EncodedWord {
    std::string charset;  // lower case, RFC 2231 language suffix removed
    std::string bytes;    // decoded, still in `charset`
    std::size_t end = 0;  // offset just past "?="
};

int hexValue(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

std::optional<std::string> decodeQ(std::string_view text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c == '_') {
            out += ' ';
        } else if (c == '=') {
            int high = i + 1 < text.size() ? hexValue(text[i + 1]) : -1;
            int low = i + 2 < text.size() ? hexValue(text[i + 2]) : -1;
            if (high < 0 || low < 0) {
                return std::nullopt;
            }
            out += static_cast<char>(high * 16 + low);
            i += 2;
        } else {
            out += c;
        }
    }
    return out;
}

int base64Value(char c) {
    if (c >= 'A' && c <= 'Z') {
        return c - 'A';
    }
    if (c >= 'a' && c <= 'z') {
        return c - 'a' + 26;
    }
    if (c >= '0' && c <= '9') {
        return c - '0' + 52;
    }
    return c == '+' ? 62 : c == '/' ? 63 : -1;
}

std::optional<std::string> decodeB(std::string_view text) {
    std::string out;
    unsigned value = 0;
    int bits = 0;
    for (char c : text) {
        if (c == '=') {
            break;  // padding ends this word's data
        }
        int digit = base64Value(c);
        if (digit < 0) {
            return std::nullopt;
        }
        value = (value << 6) | static_cast<unsigned>(digit);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((value >> bits) & 0xFF);
        }
    }
    return out;
}

// True when text[start] begins something shaped like an encoded-word,
// "=?CHARSET?B-or-Q?TEXT?=" without blanks, whether or not its text decodes.
bool looksEncoded(std::string_view text, std::size_t start) {
    auto charsetEnd = text.find('?', start + 2);
    if (charsetEnd == std::string_view::npos || charsetEnd + 2 >= text.size() ||
        text[charsetEnd + 2] != '?') {
        return false;
    }
    char encoding =
        static_cast<char>(std::toupper(static_cast<unsigned char>(text[charsetEnd + 1])));
    auto dataEnd = text.find("?=", charsetEnd + 3);
    return (encoding == 'B' || encoding == 'Q') && dataEnd != std::string_view::npos &&
           text.substr(start, dataEnd - start).find_first_of(" \t\r\n") == std::string_view::npos;
}

// The encoded-word starting at text[start] ("=?"), or nothing when it is not one.
std::optional<EncodedWord> readWord(std::string_view text, std::size_t start) {
    auto charsetEnd = text.find('?', start + 2);
    if (charsetEnd == std::string_view::npos || charsetEnd + 2 >= text.size() ||
        text[charsetEnd + 2] != '?') {
        return std::nullopt;
    }
    auto dataEnd = text.find("?=", charsetEnd + 3);
    if (dataEnd == std::string_view::npos) {
        return std::nullopt;
    }
    std::string_view charset = text.substr(start + 2, charsetEnd - start - 2);
    std::string_view data = text.substr(charsetEnd + 3, dataEnd - charsetEnd - 3);
    if (charset.empty() || data.find_first_of(" \t\r\n") != std::string_view::npos) {
        return std::nullopt;
    }
    char encoding =
        static_cast<char>(std::toupper(static_cast<unsigned char>(text[charsetEnd + 1])));
    auto decoded = encoding == 'B' ? decodeB(data) : encoding == 'Q' ? decodeQ(data) : std::nullopt;
    if (!decoded) {
        return std::nullopt;
    }
    EncodedWord word;
    word.charset = std::string(charset.substr(0, charset.find('*')));
    for (char& c : word.charset) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    word.bytes = std::move(*decoded);
    word.end = dataEnd + 2;
    return word;
}

void appendAsUtf8(std::string& out, std::string_view bytes, const std::string& charset,
                  bool* invalid) {
    if (bytes.empty()) {
        return;
    }
    bool unicode = charset.empty() || charset == "utf-8" || charset == "utf8" ||
                   charset == "us-ascii" || charset == "ascii";
    if (unicode && g_utf8_validate(bytes.data(), static_cast<gssize>(bytes.size()), nullptr)) {
        out.append(bytes);
        return;
    }
    gsize written = 0;
    gchar* converted = unicode ? nullptr
                               : g_convert(bytes.data(), static_cast<gssize>(bytes.size()), "UTF-8",
                                           charset.c_str(), nullptr, &written, nullptr);
    if (converted == nullptr) {
        if (invalid && !charset.empty()) {
            *invalid = true;
        }
        for (unsigned char c : bytes) {
            appendUtf8(out, c);  // ISO-8859-1: every byte is the code point of its value
        }
        return;
    }
    out.append(converted, written);
    g_free(converted);
}

bool onlyBlanks(std::string_view text) {
    return text.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

}  // namespace

std::string decodeEncodedWords(std::string_view text, bool* invalid) {
    std::string out;
    std::string pendingCharset;  // the run of adjacent words not converted yet
    std::string pendingBytes;
    auto flush = [&] {
        appendAsUtf8(out, pendingBytes, pendingCharset, invalid);
        pendingBytes.clear();
    };
    std::size_t position = 0;
    bool afterWord = false;
    while (position < text.size()) {
        auto start = text.find("=?", position);
        std::string_view before = text.substr(
            position, start == std::string_view::npos ? std::string_view::npos : start - position);
        auto word = start == std::string_view::npos ? std::nullopt : readWord(text, start);
        if (!word) {
            if (start != std::string_view::npos && invalid && looksEncoded(text, start)) {
                *invalid = true;
            }
            std::size_t upTo = start == std::string_view::npos ? text.size() : start + 2;
            flush();
            appendAsUtf8(out, text.substr(position, upTo - position), {}, nullptr);
            position = upTo;
            afterWord = false;
            continue;
        }
        bool joins = afterWord && onlyBlanks(before);  // blanks between words go
        if (!joins || word->charset != pendingCharset) {
            flush();
            if (!joins) {
                appendAsUtf8(out, before, {}, nullptr);
            }
            pendingCharset = word->charset;
        }
        pendingBytes += word->bytes;
        position = word->end;
        afterWord = true;
    }
    flush();
    return out;
}

bool findHeaderParameter(std::string_view field, std::string_view name, std::string& value) {
    std::size_t position = field.find(';');
    while (position != std::string_view::npos && position < field.size()) {
        ++position;
        while (position < field.size() &&
               std::isspace(static_cast<unsigned char>(field[position]))) {
            ++position;
        }
        auto equals = field.find('=', position);
        if (equals == std::string_view::npos) {
            return false;
        }
        std::string_view key = field.substr(position, equals - position);
        while (!key.empty() && std::isspace(static_cast<unsigned char>(key.back()))) {
            key.remove_suffix(1);
        }
        std::string found;
        std::size_t at = equals + 1;
        while (at < field.size() && std::isspace(static_cast<unsigned char>(field[at]))) {
            ++at;
        }
        if (at < field.size() && field[at] == '"') {
            for (++at; at < field.size() && field[at] != '"'; ++at) {
                if (field[at] == '\\' && at + 1 < field.size()) {
                    ++at;
                }
                found += field[at];
            }
            position = field.find(';', at);
        } else {
            auto end = field.find(';', at);
            found = std::string(field.substr(at, end == std::string_view::npos ? end : end - at));
            while (!found.empty() && std::isspace(static_cast<unsigned char>(found.back()))) {
                found.pop_back();
            }
            position = end;
        }
        if (key.size() == name.size() && strncasecmp(key.data(), name.data(), name.size()) == 0) {
            value = std::move(found);
            return true;
        }
    }
    return false;
}

}  // namespace mailgate
