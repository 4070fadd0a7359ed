// SPF macro syntax checks and expansion (see SpfMacro.hpp). One scanner walks the text
// for both jobs, so what is checked is exactly what is expanded.
#include "gateway/spf/SpfMacro.hpp"

#include <algorithm>
#include <cctype>
#include <vector>

namespace mailgate {
namespace {

constexpr std::size_t kMaxDomainLength = 253;
// RFC 7208 7.3: at least 128 parts must be supported; more digits than parts take all.
constexpr unsigned kMaxTransformerDigits = 128;

bool isDelimiter(char c) {
    return c == '.' || c == '-' || c == '+' || c == ',' || c == '/' || c == '_' || c == '=';
}

bool isMacroLiteral(unsigned char c) {
    return c >= 0x21 && c <= 0x7e && c != '%';
}

bool isUnreserved(unsigned char c) {
    return std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

std::string urlEscape(std::string_view text) {
    static const char* kHex = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : text) {
        if (isUnreserved(c)) {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += kHex[c >> 4];
            out += kHex[c & 0x0f];
        }
    }
    return out;
}

// %{i} of an IPv6 client. Upper-case hex as the RFC 7208 test suite (and pyspf) expect;
// DNS ignores the case, so only explanation texts show it.
std::string dottedNibbles(const IpAddress& address) {
    static const char* kHex = "0123456789ABCDEF";
    std::string out;
    for (std::size_t i = 0; i < 16; ++i) {
        if (i > 0) {
            out += '.';
        }
        out += kHex[address.bytes()[i] >> 4];
        out += '.';
        out += kHex[address.bytes()[i] & 0x0f];
    }
    return out;
}

struct MacroExpand {
    char letter = 0;      // lower case
    bool escape = false;  // the letter was upper case
    unsigned digits = 0;  // 0: all parts
    bool reverse = false;
    std::string delimiters;
};

// Reads "%{...}" starting at text[position] == '%' and text[position + 1] == '{'.
Result<MacroExpand> readMacroExpand(std::string_view text, std::size_t& position, SpfMacroUse use) {
    MacroExpand macro;
    position += 2;
    if (position >= text.size()) {
        return makeError("unterminated macro");
    }
    char letter = text[position++];
    char lower = static_cast<char>(std::tolower(static_cast<unsigned char>(letter)));
    static const std::string_view kLetters = "slodiphv";
    static const std::string_view kExplanationLetters = "crt";
    bool known = kLetters.find(lower) != std::string_view::npos;
    if (!known && kExplanationLetters.find(lower) != std::string_view::npos) {
        if (use != SpfMacroUse::Explanation) {
            return makeError(std::string("macro letter '") + letter +
                             "' is allowed only in explanations");
        }
        known = true;
    }
    if (!known) {
        return makeError(std::string("unknown macro letter '") + letter + "'");
    }
    macro.letter = lower;
    macro.escape = lower != letter;
    std::size_t digitsStart = position;
    unsigned long digits = 0;
    while (position < text.size() && std::isdigit(static_cast<unsigned char>(text[position]))) {
        digits = std::min<unsigned long>(digits * 10 + static_cast<unsigned>(text[position] - '0'),
                                         1000000);
        ++position;
    }
    if (position > digitsStart) {
        if (digits == 0) {
            return makeError("macro transformer digits must not be zero");
        }
        macro.digits =
            static_cast<unsigned>(std::min<unsigned long>(digits, kMaxTransformerDigits));
    }
    if (position < text.size() && (text[position] == 'r' || text[position] == 'R')) {
        macro.reverse = true;
        ++position;
    }
    while (position < text.size() && isDelimiter(text[position])) {
        macro.delimiters += text[position++];
    }
    if (position >= text.size() || text[position] != '}') {
        return makeError("malformed macro (expected '}')");
    }
    ++position;
    return macro;
}

std::string transform(const std::string& value, const MacroExpand& macro) {
    std::string delimiters = macro.delimiters.empty() ? "." : macro.delimiters;
    std::vector<std::string> parts;
    std::string current;
    for (char c : value) {
        if (delimiters.find(c) != std::string::npos) {
            parts.push_back(current);
            current.clear();
        } else {
            current += c;
        }
    }
    parts.push_back(current);
    if (macro.reverse) {
        std::reverse(parts.begin(), parts.end());
    }
    std::size_t first = 0;
    if (macro.digits > 0 && macro.digits < parts.size()) {
        first = parts.size() - macro.digits;
    }
    std::string out;
    for (std::size_t i = first; i < parts.size(); ++i) {
        if (i > first) {
            out += '.';
        }
        out += parts[i];
    }
    return out;
}

std::string letterValue(char letter, const SpfMacroContext& context) {
    switch (letter) {
        case 's':
            return context.sender;
        case 'l':
            return context.local_part;
        case 'o':
            return context.sender_domain;
        case 'd':
            return context.domain;
        case 'i':
            return context.client.isIpv4() ? context.client.toString()
                                           : dottedNibbles(context.client);
        case 'p':
            return context.validated_name.empty() ? "unknown" : context.validated_name;
        case 'v':
            return context.client.isIpv4() ? "in-addr" : "ip6";
        case 'h':
            return context.helo;
        case 'c':
            return context.client.toString();
        case 'r':
            return context.receiver.empty() ? "unknown" : context.receiver;
        case 't':
            return std::to_string(static_cast<long long>(context.now));
    }
    return {};
}

bool isToplabel(std::string_view label) {
    if (label.empty() || label.front() == '-' || label.back() == '-') {
        return false;
    }
    bool alpha = false;
    for (unsigned char c : label) {
        if (std::isalpha(c)) {
            alpha = true;
        } else if (!std::isdigit(c) && c != '-') {
            return false;
        }
    }
    return alpha;
}

// RFC 7208 domain-end: "." toplabel ["."], or the text ends with a macro-expand.
bool hasDomainEnd(std::string_view text, bool endsWithMacro) {
    if (endsWithMacro) {
        return true;
    }
    if (!text.empty() && text.back() == '.') {
        text.remove_suffix(1);
    }
    auto dot = text.rfind('.');
    if (dot == std::string_view::npos) {
        return false;
    }
    return isToplabel(text.substr(dot + 1));
}

// Walks `text`; with `context` set it also expands. Returns the expansion.
Result<std::string> scan(std::string_view text, SpfMacroUse use, const SpfMacroContext* context) {
    std::string out;
    bool endsWithMacro = false;
    std::size_t position = 0;
    while (position < text.size()) {
        auto c = static_cast<unsigned char>(text[position]);
        endsWithMacro = false;
        if (c == '%') {
            if (position + 1 >= text.size()) {
                return makeError("'%' at the end of the text");
            }
            char next = text[position + 1];
            if (next == '%' || next == '_' || next == '-') {
                out += next == '%' ? "%" : next == '_' ? " " : "%20";
                position += 2;
                endsWithMacro = true;
                continue;
            }
            if (next != '{') {
                return makeError(std::string("invalid '%") + next + "' in macro text");
            }
            auto macro = readMacroExpand(text, position, use);
            if (!macro) {
                return makeError(macro.error());
            }
            if (context != nullptr) {
                std::string value = transform(letterValue(macro->letter, *context), *macro);
                out += macro->escape ? urlEscape(value) : value;
            }
            endsWithMacro = true;
            continue;
        }
        if (c == ' ' && use == SpfMacroUse::Explanation) {
            out += ' ';
            ++position;
            continue;
        }
        if (!isMacroLiteral(c)) {
            return makeError("invalid character in macro text");
        }
        out += static_cast<char>(c);
        ++position;
    }
    if (use == SpfMacroUse::DomainSpec && !hasDomainEnd(text, endsWithMacro)) {
        return makeError("\"" + std::string(text) + "\" does not end in a valid top-level label");
    }
    return out;
}

std::string truncateFromLeft(std::string name) {
    while (name.size() > kMaxDomainLength) {
        auto dot = name.find('.');
        if (dot == std::string::npos) {
            break;
        }
        name.erase(0, dot + 1);
    }
    return name;
}

}  // namespace

Result<void> checkSpfMacroText(std::string_view text, SpfMacroUse use) {
    auto result = scan(text, use, nullptr);
    if (!result) {
        return makeError(result.error());
    }
    return {};
}

bool usesValidatedName(std::string_view text) {
    return text.find("%{p") != std::string_view::npos || text.find("%{P") != std::string_view::npos;
}

Result<std::string> expandSpfMacroText(std::string_view text, SpfMacroUse use,
                                       const SpfMacroContext& context) {
    auto result = scan(text, use, &context);
    if (!result) {
        return result;
    }
    if (use == SpfMacroUse::DomainSpec) {
        return truncateFromLeft(std::move(*result));
    }
    return result;
}

}  // namespace mailgate
