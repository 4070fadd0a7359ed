// HTML reduced to its text (see HtmlText.hpp).
#include "gateway/mime/HtmlText.hpp"

#include <strings.h>

#include <cctype>
#include <cstdlib>
#include <optional>

namespace mailgate {
namespace {

struct NamedEntity {
    const char* name;
    unsigned long code;
};

constexpr NamedEntity kEntities[] = {
    {"amp", '&'},      {"lt", '<'},       {"gt", '>'},       {"quot", '"'},      {"apos", '\''},
    {"nbsp", 0xA0},    {"copy", 0xA9},    {"reg", 0xAE},     {"euro", 0x20AC},   {"pound", 0xA3},
    {"yen", 0xA5},     {"cent", 0xA2},    {"sect", 0xA7},    {"deg", 0xB0},      {"middot", 0xB7},
    {"laquo", 0xAB},   {"raquo", 0xBB},   {"ndash", 0x2013}, {"mdash", 0x2014},  {"lsquo", 0x2018},
    {"rsquo", 0x2019}, {"ldquo", 0x201C}, {"rdquo", 0x201D}, {"hellip", 0x2026}, {"trade", 0x2122},
    {"bull", 0x2022},  {"times", 0xD7},   {"auml", 0xE4},    {"ouml", 0xF6},     {"uuml", 0xFC},
    {"Auml", 0xC4},    {"Ouml", 0xD6},    {"Uuml", 0xDC},    {"szlig", 0xDF},    {"eacute", 0xE9},
    {"egrave", 0xE8},  {"agrave", 0xE0},  {"ccedil", 0xE7},
};

bool startsWithTag(std::string_view rest, std::string_view tag) {
    return rest.size() > tag.size() && strncasecmp(rest.data(), tag.data(), tag.size()) == 0 &&
           !std::isalnum(static_cast<unsigned char>(rest[tag.size()]));
}

bool isBlockTag(std::string_view name) {
    static constexpr std::string_view kBlocks[] = {
        "p",     "br", "div", "tr",         "li",  "h1", "h2", "h3", "h4",    "h5", "h6",
        "table", "ul", "ol",  "blockquote", "pre", "hr", "td", "th", "title", "dt", "dd"};
    for (auto block : kBlocks) {
        if (name.size() == block.size() &&
            strncasecmp(name.data(), block.data(), block.size()) == 0) {
            return true;
        }
    }
    return false;
}

// Decodes "&...;" at html[i] (html[i] == '&'); returns how many bytes it used (0: none).
std::size_t decodeReference(std::string_view html, std::size_t i, std::string& out) {
    // Looked for within reach only: a search to the end for every '&' is quadratic.
    auto semicolon = html.substr(0, i + 13).find(';', i + 1);
    if (semicolon == std::string_view::npos) {
        return 0;
    }
    std::string_view body = html.substr(i + 1, semicolon - i - 1);
    if (body.size() >= 2 && body[0] == '#') {
        bool hex = body[1] == 'x' || body[1] == 'X';
        std::string digits(body.substr(hex ? 2 : 1));
        if (digits.empty()) {
            return 0;
        }
        char* end = nullptr;
        unsigned long code = std::strtoul(digits.c_str(), &end, hex ? 16 : 10);
        if (*end != '\0') {
            return 0;
        }
        appendUtf8(out, code);
        return semicolon - i + 1;
    }
    for (const auto& entity : kEntities) {
        if (body == entity.name) {
            appendUtf8(out, entity.code == 0xA0 ? ' ' : entity.code);
            return semicolon - i + 1;
        }
    }
    return 0;
}

class Reducer {
  public:
    explicit Reducer(std::size_t maxBytes) : max_(maxBytes) {}

    void text(char c) {
        bool blank = c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f';
        if (blank) {
            pendingSpace_ = !out_.empty();
            return;
        }
        flushSpace();
        out_ += c;
    }
    void lineBreak() {
        if (!out_.empty() && out_.back() != '\n') {
            out_ += '\n';
        }
        pendingSpace_ = false;
    }
    std::string& raw() {
        flushSpace();
        return out_;
    }
    bool full() const { return out_.size() >= max_; }
    std::string finish() {
        while (!out_.empty() && (out_.back() == '\n' || out_.back() == ' ')) {
            out_.pop_back();
        }
        if (out_.size() > max_) {
            out_.resize(max_);
        }
        return std::move(out_);
    }

  private:
    void flushSpace() {
        if (pendingSpace_ && !out_.empty() && out_.back() != '\n') {
            out_ += ' ';
        }
        pendingSpace_ = false;
    }

    std::string out_;
    std::size_t max_;
    bool pendingSpace_ = false;
};

// Skips to the end of an element whose content is not text (script, style).
std::size_t skipElement(std::string_view html, std::size_t from, std::string_view name) {
    std::size_t at = from;
    while ((at = html.find("</", at)) != std::string_view::npos) {
        if (startsWithTag(html.substr(at + 2), name)) {
            auto close = html.find('>', at);
            return close == std::string_view::npos ? html.size() : close + 1;
        }
        at += 2;
    }
    return html.size();
}

}  // namespace

void appendUtf8(std::string& out, unsigned long code) {
    if (code == 0 || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) {
        code = 0xFFFD;
    }
    if (code < 0x80) {
        out += static_cast<char>(code);
    } else if (code < 0x800) {
        out += static_cast<char>(0xC0 | (code >> 6));
        out += static_cast<char>(0x80 | (code & 0x3F));
    } else if (code < 0x10000) {
        out += static_cast<char>(0xE0 | (code >> 12));
        out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (code & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (code >> 18));
        out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (code & 0x3F));
    }
}

namespace {

// The value of attribute `name` ("href", "src") in a tag's text (between '<' and '>'),
// quoted or not; nullopt when the tag has none.
std::optional<std::string_view> attributeValue(std::string_view tag, std::string_view name) {
    for (std::size_t at = 0; at + name.size() < tag.size(); ++at) {
        if (strncasecmp(tag.data() + at, name.data(), name.size()) != 0 ||
            (at > 0 && !std::isspace(static_cast<unsigned char>(tag[at - 1])))) {
            continue;
        }
        std::size_t i = at + name.size();
        while (i < tag.size() && std::isspace(static_cast<unsigned char>(tag[i]))) {
            ++i;
        }
        if (i >= tag.size() || tag[i] != '=') {
            continue;
        }
        ++i;
        while (i < tag.size() && std::isspace(static_cast<unsigned char>(tag[i]))) {
            ++i;
        }
        if (i < tag.size() && (tag[i] == '"' || tag[i] == '\'')) {
            auto end = tag.find(tag[i], i + 1);
            if (end == std::string_view::npos) {
                return std::nullopt;  // an unterminated quote: no value to trust
            }
            return tag.substr(i + 1, end - i - 1);
        }
        std::size_t end = i;
        while (end < tag.size() && !std::isspace(static_cast<unsigned char>(tag[end]))) {
            ++end;
        }
        return tag.substr(i, end - i);
    }
    return std::nullopt;
}

void collectTarget(std::string_view tag, HtmlLinks& links) {
    if (links.targets.size() >= links.max_targets) {
        return;
    }
    for (std::string_view name : {std::string_view("href"), std::string_view("src")}) {
        auto value = attributeValue(tag, name);
        if (!value || value->empty()) {
            continue;
        }
        std::string target;
        std::string_view raw = value->substr(0, links.max_target_bytes);
        for (std::size_t i = 0; i < raw.size();) {
            std::string decoded;
            if (raw[i] == '&') {
                if (auto used = decodeReference(raw, i, decoded)) {
                    target += decoded;
                    i += used;
                    continue;
                }
            }
            target += raw[i++];
        }
        links.targets.push_back(std::move(target));
        return;
    }
}

std::string reduce(std::string_view html, std::size_t maxBytes, HtmlLinks* links) {
    Reducer out(maxBytes);
    std::size_t i = 0;
    while (i < html.size() && !out.full()) {
        char c = html[i];
        if (c == '<') {
            std::string_view rest = html.substr(i + 1);
            if (rest.substr(0, 3) == "!--") {
                auto end = html.find("-->", i + 4);
                i = end == std::string_view::npos ? html.size() : end + 3;
                continue;
            }
            auto close = html.find('>', i);
            if (close == std::string_view::npos) {
                break;  // an unterminated tag: the rest is markup
            }
            bool closing = !rest.empty() && rest[0] == '/';
            std::size_t nameStart = closing ? 1 : 0;
            std::size_t nameEnd = nameStart;
            while (nameEnd < rest.size() &&
                   std::isalnum(static_cast<unsigned char>(rest[nameEnd]))) {
                ++nameEnd;
            }
            std::string_view name = rest.substr(nameStart, nameEnd - nameStart);
            if (!closing && (startsWithTag(rest, "script") || startsWithTag(rest, "style"))) {
                i = skipElement(html, close + 1, name);
                continue;
            }
            if (links != nullptr && !closing) {
                collectTarget(html.substr(i + 1 + nameEnd, close - i - 1 - nameEnd), *links);
            }
            if (isBlockTag(name)) {
                out.lineBreak();
            } else {
                out.text(' ');
            }
            i = close + 1;
            continue;
        }
        if (c == '&') {
            std::string decoded;
            if (auto used = decodeReference(html, i, decoded)) {
                for (char d : decoded) {
                    if (d == ' ') {
                        out.text(' ');
                    } else {
                        out.raw() += d;
                    }
                }
                i += used;
                continue;
            }
        }
        out.text(c);
        ++i;
    }
    return out.finish();
}

}  // namespace

std::string htmlToText(std::string_view html, std::size_t maxBytes) {
    return reduce(html, maxBytes, nullptr);
}

std::string htmlToText(std::string_view html, std::size_t maxBytes, HtmlLinks& links) {
    return reduce(html, maxBytes, &links);
}

std::size_t decodeCharacterReference(std::string_view html, std::size_t at, std::string& out) {
    return decodeReference(html, at, out);
}

}  // namespace mailgate
