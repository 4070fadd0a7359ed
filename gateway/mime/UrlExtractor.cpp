// Finding the hosts of a message's URLs (see UrlExtractor.hpp). The scanner walks each
// text once; a URL found is read to its end and the walk goes on after it, so no byte is
// read more than a constant number of times (an inner URL is read again, at most
// max_nesting times, within max_url_bytes).
#include "gateway/mime/UrlExtractor.hpp"

#include <algorithm>
#include <cstdint>
#include <set>

#include "gateway/net/HostNameSyntax.hpp"
#include "gateway/net/IpAddress.hpp"
#include "gateway/net/PublicSuffix.hpp"

namespace mailgate {

struct UrlExtractor::UrlFacts {
    std::string_view url;
    bool redirect_target = false;
    bool defanged = false;
    std::string userinfo;
};

namespace {

char lowerByte(char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool isAsciiAlnum(char c) {
    char lower = lowerByte(c);
    return (lower >= 'a' && lower <= 'z') || (c >= '0' && c <= '9');
}

bool startsWithNoCase(std::string_view text, std::size_t at, std::string_view prefix) {
    if (text.size() - at < prefix.size()) {
        return false;
    }
    for (std::size_t i = 0; i < prefix.size(); ++i) {
        if (lowerByte(text[at + i]) != prefix[i]) {
            return false;
        }
    }
    return true;
}

// Where a URL written in text ends: blanks, controls, quotes and angle brackets, which
// no URL contains unescaped and which mark its end in text and markup.
bool endsUrl(char c) {
    auto byte = static_cast<unsigned char>(c);
    return byte <= 0x20 || byte == 0x7f || c == '<' || c == '>' || c == '"' || c == '\'' ||
           c == '`';
}

int hexValue(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    char lower = lowerByte(c);
    return lower >= 'a' && lower <= 'f' ? lower - 'a' + 10 : -1;
}

// %XX decoded once; `decoded` says whether any was.
std::string percentDecode(std::string_view text, bool& decoded) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '%' && i + 2 < text.size()) {
            int high = hexValue(text[i + 1]);
            int low = hexValue(text[i + 2]);
            if (high >= 0 && low >= 0) {
                out.push_back(static_cast<char>(high * 16 + low));
                decoded = true;
                i += 2;
                continue;
            }
        }
        out.push_back(text[i]);
    }
    return out;
}

// The scheme written at `at` ("http://", "HXXPS://", "ftp://"): its length with "://",
// 0 when there is none. `defanged` is set for the "hxxp" forms.
std::size_t schemeAt(std::string_view text, std::size_t at, bool& defanged) {
    for (std::string_view scheme : {"https://", "http://", "ftp://"}) {
        if (startsWithNoCase(text, at, scheme)) {
            return scheme.size();
        }
    }
    for (std::string_view scheme : {"hxxps://", "hxxp://"}) {
        if (startsWithNoCase(text, at, scheme)) {
            defanged = true;
            return scheme.size();
        }
    }
    return 0;
}

// "[.]", "(.)", "{.}" and "[dot]" as '.': the defanging security lists use, and spam
// copies to slip past URL filters.
std::string undefang(std::string_view authority, bool& defanged) {
    std::string out;
    out.reserve(authority.size());
    for (std::size_t i = 0; i < authority.size(); ++i) {
        bool matched = false;
        for (std::string_view form : {"[.]", "(.)", "{.}", "[dot]", "(dot)"}) {
            if (startsWithNoCase(authority, i, form)) {
                out.push_back('.');
                i += form.size() - 1;
                defanged = matched = true;
                break;
            }
        }
        if (!matched) {
            out.push_back(authority[i]);
        }
    }
    return out;
}

// Sentence punctuation after a URL in text: "see http://shop.example/offer." and
// "(http://shop.example)". A closing bracket stays when the URL opened one.
std::string_view trimTrailingPunctuation(std::string_view url) {
    while (!url.empty()) {
        char last = url.back();
        if (last == '.' || last == ',' || last == ';' || last == ':' || last == '!' ||
            last == '?' || last == '*') {
            url.remove_suffix(1);
            continue;
        }
        char opening = last == ')' ? '(' : last == ']' ? '[' : last == '}' ? '{' : 0;
        if (opening != 0 && std::count(url.begin(), url.end(), opening) <
                                std::count(url.begin(), url.end(), last)) {
            url.remove_suffix(1);
            continue;
        }
        break;
    }
    return url;
}

// The host of an authority ("user:pw@host:port"): after the last '@', without a port;
// a bracketed IPv6 address keeps its brackets.
std::string_view hostOfAuthority(std::string_view authority, std::string_view& userinfo) {
    auto at = authority.rfind('@');
    if (at != std::string_view::npos) {
        userinfo = authority.substr(0, at);
        authority = authority.substr(at + 1);
    }
    if (!authority.empty() && authority.front() == '[') {
        auto close = authority.find(']');
        return close == std::string_view::npos ? std::string_view{}
                                               : authority.substr(0, close + 1);
    }
    auto colon = authority.find(':');
    return colon == std::string_view::npos ? authority : authority.substr(0, colon);
}

// A top label a real name can end in: letters (two or more), or punycode.
bool plausibleTopLabel(std::string_view asciiHost) {
    auto dot = asciiHost.rfind('.');
    std::string_view top = dot == std::string_view::npos ? asciiHost : asciiHost.substr(dot + 1);
    if (top.rfind("xn--", 0) == 0) {
        return top.size() > 4;
    }
    return top.size() >= 2 &&
           std::all_of(top.begin(), top.end(), [](char c) { return c >= 'a' && c <= 'z'; });
}

// A user-info that reads as a host name ("www.bank.example"), the trick that makes a
// reader believe the URL leads there.
bool userinfoLooksLikeHost(std::string_view userinfo) {
    auto colon = userinfo.find(':');
    std::string_view user = colon == std::string_view::npos ? userinfo : userinfo.substr(0, colon);
    if (user.find('.') == std::string_view::npos) {
        return false;
    }
    std::string ascii = asciiHostName(user);
    return !ascii.empty() && plausibleTopLabel(ascii);
}

std::string printableUrl(std::string_view url) {
    return printableText(url, 200);
}

}  // namespace

std::string numericIpv4Address(std::string_view host) {
    if (host.empty() || host.size() > 64) {
        return {};
    }
    std::uint64_t parts[4] = {0, 0, 0, 0};
    std::size_t count = 0;
    std::size_t at = 0;
    while (true) {
        if (count == 4) {
            return {};
        }
        std::size_t end = host.find('.', at);
        std::string_view part =
            host.substr(at, end == std::string_view::npos ? std::string_view::npos : end - at);
        if (part.empty()) {
            return {};
        }
        unsigned base = 10;
        if (part.size() > 2 && part[0] == '0' && lowerByte(part[1]) == 'x') {
            base = 16;
            part.remove_prefix(2);
        } else if (part.size() > 1 && part[0] == '0') {
            base = 8;
            part.remove_prefix(1);
        }
        std::uint64_t value = 0;
        for (char c : part) {
            int digit = hexValue(c);
            if (digit < 0 || static_cast<unsigned>(digit) >= base) {
                return {};
            }
            value = value * base + static_cast<unsigned>(digit);
            if (value > 0xffffffffULL) {
                return {};
            }
        }
        parts[count++] = value;
        if (end == std::string_view::npos) {
            break;
        }
        at = end + 1;
    }
    // inet_aton: the last part fills the bytes the earlier ones leave.
    std::uint64_t address = 0;
    for (std::size_t i = 0; i + 1 < count; ++i) {
        if (parts[i] > 255) {
            return {};
        }
        address |= parts[i] << (8 * (3 - i));
    }
    std::uint64_t last = parts[count - 1];
    if (last >= (1ULL << (8 * (4 - (count - 1))))) {
        return {};
    }
    address |= last;
    return std::to_string((address >> 24) & 255) + "." + std::to_string((address >> 16) & 255) +
           "." + std::to_string((address >> 8) & 255) + "." + std::to_string(address & 255);
}

namespace {

enum class Script { Common, Latin, Greek, Cyrillic, Armenian, Hebrew, Arabic, Thai, EastAsian };

Script scriptOf(std::uint32_t codePoint) {
    if ((codePoint >= 'a' && codePoint <= 'z') || (codePoint >= 'A' && codePoint <= 'Z') ||
        (codePoint >= 0xC0 && codePoint <= 0x24F && codePoint != 0xD7 && codePoint != 0xF7) ||
        (codePoint >= 0x1E00 && codePoint <= 0x1EFF)) {
        return Script::Latin;
    }
    if ((codePoint >= 0x370 && codePoint <= 0x3FF) ||
        (codePoint >= 0x1F00 && codePoint <= 0x1FFF)) {
        return Script::Greek;
    }
    if (codePoint >= 0x400 && codePoint <= 0x52F) {
        return Script::Cyrillic;
    }
    if (codePoint >= 0x530 && codePoint <= 0x58F) {
        return Script::Armenian;
    }
    if (codePoint >= 0x590 && codePoint <= 0x5FF) {
        return Script::Hebrew;
    }
    if ((codePoint >= 0x600 && codePoint <= 0x6FF) || (codePoint >= 0x750 && codePoint <= 0x77F)) {
        return Script::Arabic;
    }
    if (codePoint >= 0xE00 && codePoint <= 0xE7F) {
        return Script::Thai;
    }
    if ((codePoint >= 0x1100 && codePoint <= 0x11FF) ||
        (codePoint >= 0x3040 && codePoint <= 0x30FF) ||
        (codePoint >= 0x3400 && codePoint <= 0x4DBF) ||
        (codePoint >= 0x4E00 && codePoint <= 0x9FFF) ||
        (codePoint >= 0xAC00 && codePoint <= 0xD7AF)) {
        return Script::EastAsian;
    }
    return Script::Common;  // digits, '-', marks, and scripts not told apart here
}

// The next code point of UTF-8 text; an invalid byte is taken alone as U+FFFD.
std::uint32_t nextCodePoint(std::string_view text, std::size_t& at) {
    auto byte = static_cast<unsigned char>(text[at++]);
    if (byte < 0x80) {
        return byte;
    }
    std::size_t more = byte >= 0xF0 ? 3 : byte >= 0xE0 ? 2 : byte >= 0xC0 ? 1 : 0;
    if (more == 0 || at + more > text.size()) {
        return 0xFFFD;
    }
    std::uint32_t codePoint = byte & (0x3F >> more);
    for (std::size_t i = 0; i < more; ++i) {
        auto continuation = static_cast<unsigned char>(text[at]);
        if ((continuation & 0xC0) != 0x80) {
            return 0xFFFD;
        }
        codePoint = (codePoint << 6) | (continuation & 0x3F);
        ++at;
    }
    return codePoint;
}

}  // namespace

bool hostMixesScripts(std::string_view unicodeHost) {
    std::set<Script> scripts;
    auto mixed = [&scripts] {
        // Chinese, Japanese and Korean names are often written with Latin letters too.
        if (scripts.count(Script::EastAsian) > 0) {
            scripts.erase(Script::Latin);
        }
        return scripts.size() > 1;
    };
    std::size_t at = 0;
    while (at < unicodeHost.size()) {
        if (unicodeHost[at] == '.') {
            if (mixed()) {
                return true;
            }
            scripts.clear();
            ++at;
            continue;
        }
        Script script = scriptOf(nextCodePoint(unicodeHost, at));
        if (script != Script::Common) {
            scripts.insert(script);
        }
    }
    return mixed();
}

void UrlExtractor::addText(std::string_view text) {
    scan(text, 0, false);
}

void UrlExtractor::addLink(std::string_view target) {
    while (!target.empty() && static_cast<unsigned char>(target.front()) <= 0x20) {
        target.remove_prefix(1);
    }
    if (target.size() > 2 && target[0] == '/' && target[1] == '/') {
        readUrl(target, 0, 2, 0, false, false);  // protocol-relative: "//cdn.example/x.png"
        return;
    }
    scan(target, 0, false);
}

void UrlExtractor::addMessage(const Message& message) {
    for (const auto& part : message.parts) {
        if (!part.text.empty()) {
            addText(part.text);
        }
        for (const auto& link : part.links) {
            addLink(link);
        }
    }
}

void UrlExtractor::scan(std::string_view text, std::size_t depth, bool schemesOnly) {
    text = text.substr(0, std::min(text.size(), limits_.max_text_bytes));
    std::size_t at = 0;
    while (at < text.size()) {
        char lower = lowerByte(text[at]);
        if (lower != 'h' && lower != 'f' && lower != 'w') {
            ++at;
            continue;
        }
        bool wordStart = at == 0 || !isAsciiAlnum(text[at - 1]);
        if (!wordStart) {
            ++at;
            continue;
        }
        bool defanged = false;
        if (std::size_t scheme = schemeAt(text, at, defanged)) {
            at += scheme + readUrl(text, at, at + scheme, depth, defanged, false);
            continue;
        }
        if (!schemesOnly && lower == 'w' && startsWithNoCase(text, at, "www.") &&
            (at == 0 || (text[at - 1] != '.' && text[at - 1] != '-' && text[at - 1] != '@'))) {
            at += std::max<std::size_t>(4, readUrl(text, at, at, depth, false, true));
            continue;
        }
        ++at;
    }
}

std::size_t UrlExtractor::readUrl(std::string_view text, std::size_t start, std::size_t at,
                                  std::size_t depth, bool defanged, bool schemeless) {
    std::size_t limit = std::min(text.size(), at + limits_.max_url_bytes);
    std::size_t end = at;
    while (end < limit && !endsUrl(text[end])) {
        ++end;
    }
    std::size_t consumed = end;
    while (consumed < text.size() && !endsUrl(text[consumed])) {
        ++consumed;
    }
    std::string_view url = trimTrailingPunctuation(text.substr(at, end - at));
    auto authorityEnd = url.find_first_of("/?#\\");
    std::string_view authority = url.substr(0, authorityEnd);
    std::string_view rest =
        authorityEnd == std::string_view::npos ? std::string_view{} : url.substr(authorityEnd);

    UrlFacts facts;
    facts.url = text.substr(start, at - start + url.size());
    facts.redirect_target = depth > 0;
    facts.defanged = defanged;
    std::string plain = undefang(authority, facts.defanged);
    std::string_view userinfo;
    std::string_view host = hostOfAuthority(plain, userinfo);
    if (!userinfo.empty() && !schemeless) {
        facts.userinfo = std::string(userinfo);
    }
    record(host, facts);

    // A URL carried in the path or query ("/url?q=https%3A%2F%2Fshop.example%2F",
    // "/redirect/http://shop.example/"): its host is where the reader ends up.
    if (depth < limits_.max_nesting && !rest.empty()) {
        bool decoded = false;
        std::string inner = percentDecode(rest, decoded);
        scan(inner, depth + 1, true);
    }
    return consumed - at;
}

void UrlExtractor::record(std::string_view rawHost, const UrlFacts& facts) {
    bool encoded = false;
    std::string host = percentDecode(rawHost, encoded);
    while (!host.empty() && host.back() == '.') {
        host.pop_back();
    }
    if (host.empty()) {
        return;
    }
    UrlHost found;
    if (host.front() == '[' && host.back() == ']') {
        auto address = IpAddress::parse(std::string_view(host).substr(1, host.size() - 2));
        if (!address) {
            return;
        }
        found.host = address->toString();
        found.form = UrlHostForm::IpAddress;
    } else if (auto address = IpAddress::parse(host); address && address->isIpv4()) {
        found.host = address->toString();
        found.form = UrlHostForm::IpAddress;
    } else if (auto numeric = numericIpv4Address(host); !numeric.empty()) {
        found.host = numeric;
        found.form = UrlHostForm::NumericAddress;
    } else {
        std::string ascii = asciiHostName(host);
        if (ascii.empty() || !plausibleTopLabel(ascii)) {
            return;
        }
        found.registrable = registrableDomain(ascii);
        if (found.registrable.empty()) {
            return;
        }
        bool nonAscii = std::any_of(host.begin(), host.end(),
                                    [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
        found.international = nonAscii || ascii.find("xn--") != std::string::npos;
        found.mixed_scripts = found.international && hostMixesScripts(unicodeHostName(ascii));
        found.host = std::move(ascii);
    }
    ++result_.urls;
    found.redirect_target = facts.redirect_target;
    found.defanged = facts.defanged;
    found.encoded = encoded;
    found.userinfo_host = !facts.userinfo.empty() && userinfoLooksLikeHost(facts.userinfo);
    if (found.userinfo_host) {
        found.userinfo = printableText(facts.userinfo, 80);
    }
    auto known = index_.find(found.host);
    if (known != index_.end()) {
        UrlHost& kept = result_.hosts[known->second];
        kept.redirect_target = kept.redirect_target || found.redirect_target;
        kept.defanged = kept.defanged || found.defanged;
        kept.encoded = kept.encoded || found.encoded;
        if (found.userinfo_host && !kept.userinfo_host) {
            kept.userinfo_host = true;
            kept.userinfo = found.userinfo;
        }
        return;
    }
    if (result_.hosts.size() >= limits_.max_hosts) {
        result_.hosts_truncated = true;
        return;
    }
    found.url = printableUrl(facts.url);
    index_.emplace(found.host, result_.hosts.size());
    result_.hosts.push_back(std::move(found));
}

ExtractedUrls extractUrls(const Message& message, const UrlLimits& limits) {
    UrlExtractor extractor(limits);
    extractor.addMessage(message);
    return extractor.take();
}

}  // namespace mailgate
