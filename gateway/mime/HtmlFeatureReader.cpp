// What an HTML part does beyond its text (see HtmlFeatureReader.hpp).
#include "gateway/mime/HtmlFeatureReader.hpp"

#include <strings.h>

#include <algorithm>
#include <cctype>
#include <optional>
#include <string>
#include <vector>

#include "gateway/mime/HtmlStyle.hpp"
#include "gateway/mime/HtmlText.hpp"
#include "gateway/mime/TextCharacters.hpp"
#include "gateway/util/AsciiCase.hpp"

namespace mailgate {
namespace {

// How the text inside an element is shown, inherited from the element it sits in.
struct Presentation {
    std::string_view hides;  // "display:none", ...: empty when shown
    HtmlColour colour{0, 0, 0};
    bool colour_set = false;  // by the message: the default black hides nothing
    std::optional<HtmlColour> background = HtmlColour{255, 255, 255};  // nullopt: an image
    bool colour_hides = false;
    bool tiny = false;
};

struct OpenElement {
    std::string name;
    Presentation presentation;
};

struct Attribute {
    std::string name;  // lower case, at most 32 bytes
    std::string_view value;
};

// The attributes of a tag's text after its name, one at a time; lenient like a browser.
class AttributeReader {
  public:
    explicit AttributeReader(std::string_view rest) : rest_(rest) {}

    bool next(Attribute& attribute) {
        skip([](char c) { return std::isspace(static_cast<unsigned char>(c)) || c == '/'; });
        if (rest_.empty()) {
            return false;
        }
        std::size_t end = 1;  // at least one byte, so every call makes progress
        while (end < rest_.size() && !std::isspace(static_cast<unsigned char>(rest_[end])) &&
               rest_[end] != '=' && rest_[end] != '/') {
            ++end;
        }
        attribute.name = lowerCase(rest_.substr(0, std::min<std::size_t>(end, 32)));
        attribute.value = {};
        rest_.remove_prefix(end);
        skip([](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; });
        if (rest_.empty() || rest_[0] != '=') {
            return true;
        }
        rest_.remove_prefix(1);
        skip([](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; });
        if (!rest_.empty() && (rest_[0] == '"' || rest_[0] == '\'')) {
            auto close = rest_.find(rest_[0], 1);
            std::size_t stop = close == std::string_view::npos ? rest_.size() : close;
            attribute.value = rest_.substr(1, stop - 1);
            rest_.remove_prefix(std::min(rest_.size(), stop + 1));
            return true;
        }
        std::size_t stop = 0;
        while (stop < rest_.size() && !std::isspace(static_cast<unsigned char>(rest_[stop]))) {
            ++stop;
        }
        attribute.value = rest_.substr(0, stop);
        rest_.remove_prefix(stop);
        return true;
    }

  private:
    template <class Predicate>
    void skip(Predicate predicate) {
        while (!rest_.empty() && predicate(rest_[0])) {
            rest_.remove_prefix(1);
        }
    }

    std::string_view rest_;
};

bool nameIn(std::string_view name, std::initializer_list<std::string_view> names) {
    return std::find(names.begin(), names.end(), name) != names.end();
}

bool isVoidElement(std::string_view name) {
    return nameIn(name, {"br", "img", "input", "meta", "link", "hr", "area", "base", "col", "embed",
                         "param", "source", "track", "wbr"});
}

bool isBlockElement(std::string_view name) {
    return nameIn(name, {"p",          "br",    "div", "tr", "td", "th",    "li",    "ul",
                         "ol",         "table", "h1",  "h2", "h3", "h4",    "h5",    "h6",
                         "blockquote", "pre",   "hr",  "dt", "dd", "title", "center"});
}

// Invisible characters by name, which the shared decoder (HtmlText) leaves alone.
std::optional<std::pair<char32_t, std::size_t>> invisibleReference(std::string_view html,
                                                                   std::size_t at) {
    struct Named {
        std::string_view text;
        char32_t code;
    };
    static constexpr Named kNames[] = {{"&shy;", 0xAD},
                                       {"&zwnj;", 0x200C},
                                       {"&zwj;", 0x200D},
                                       {"&ZeroWidthSpace;", 0x200B},
                                       {"&NoBreak;", 0x2060}};
    for (const auto& named : kNames) {
        if (html.substr(at, named.text.size()) == named.text) {
            return std::pair{named.code, named.text.size()};
        }
    }
    return std::nullopt;
}

class FeatureReader {
  public:
    FeatureReader(std::string_view html, const HtmlFeatureLimits& limits)
        : html_(html), limits_(limits) {}

    HtmlFeatures read() {
        std::size_t at = 0;
        while (at < html_.size()) {
            at = html_[at] == '<' ? markup(at) : text(at);
        }
        breakWord();
        return std::move(features_);
    }

  private:
    const Presentation& current() const {
        return open_.empty() ? base_ : open_.back().presentation;
    }

    // Markup at html_[at] == '<'; returns where reading goes on.
    std::size_t markup(std::size_t at) {
        std::string_view rest = html_.substr(at + 1);
        if (rest.substr(0, 3) == "!--") {
            auto end = html_.find("-->", at + 4);
            return end == std::string_view::npos ? html_.size() : end + 3;
        }
        bool tagLike = !rest.empty() && (std::isalpha(static_cast<unsigned char>(rest[0])) ||
                                         rest[0] == '/' || rest[0] == '!' || rest[0] == '?');
        if (!tagLike) {
            return text(at);  // "a < b": a browser shows the '<'
        }
        auto close = html_.find('>', at);
        if (close == std::string_view::npos) {
            return html_.size();  // an unterminated tag: the rest is markup
        }
        if (rest[0] == '!' || rest[0] == '?') {
            return close + 1;  // <!DOCTYPE ...>, <?xml ...?>
        }
        return tag(html_.substr(at + 1, close - at - 1), close + 1);
    }

    std::size_t tag(std::string_view body, std::size_t after) {
        ++features_.tags;
        bool closing = body[0] == '/';
        std::size_t nameEnd = closing ? 1 : 0;
        while (nameEnd < body.size() && std::isalnum(static_cast<unsigned char>(body[nameEnd]))) {
            ++nameEnd;
        }
        std::string_view rawName = body.substr(closing ? 1 : 0, nameEnd - (closing ? 1 : 0));
        std::string name = lowerCase(rawName.substr(0, 16));
        if (isBlockElement(name)) {
            breakWord();
        }
        if (closing) {
            closeElement(name);
            return after;
        }
        openElement(name, body.substr(nameEnd), !body.empty() && body.back() == '/');
        if (nameIn(name, {"script", "style", "title"})) {
            features_.scripts += name == "script" ? 1 : 0;
            return skipElement(after, name);
        }
        return after;
    }

    void closeElement(const std::string& name) {
        if (name == "a") {
            anchor_ = std::nullopt;
            in_mailto_link_ = false;
        }
        // Only the nearest few open elements are searched: a stray close tag costs little.
        std::size_t searched = 0;
        for (std::size_t k = open_.size(); k > 0 && searched < 64; --k, ++searched) {
            if (open_[k - 1].name == name) {
                open_.resize(k - 1);
                return;
            }
        }
    }

    void openElement(const std::string& name, std::string_view attributes, bool selfClosing) {
        if (!open_.empty() && nameIn(name, {"p", "li"}) && open_.back().name == name) {
            open_.pop_back();  // <p>one<p>two: the second p closes the first
        }
        Presentation presentation = current();
        InlineStyle legacy;
        std::optional<InlineStyle> style;
        std::optional<std::string> href;
        std::optional<std::string_view> type;
        AttributeReader reader(attributes);
        for (Attribute attribute; reader.next(attribute);) {
            const auto& key = attribute.name;
            const auto& value = attribute.value;
            if (key == "style") {
                style = parseInlineStyle(value);
            } else if (key == "hidden") {
                legacy.hides = "the hidden attribute";
            } else if (key == "bgcolor") {
                legacy.background = parseHtmlColour(value);
            } else if (key == "background") {
                legacy.background_image = true;
            } else if ((key == "color" && name == "font") || (key == "text" && name == "body")) {
                legacy.colour = parseHtmlColour(value);
            } else if (key == "size" && name == "font") {
                legacy.tiny_font = value == "0" || value == "-3";
            } else if (key == "width") {
                legacy.width = pixelLength(value);
            } else if (key == "height") {
                legacy.height = pixelLength(value);
            } else if (key == "type") {
                type = value;
            } else if (key.size() > 2 && key.compare(0, 2, "on") == 0) {
                ++features_.event_handlers;
            }
            if (key == "href" || key == "src" || key == "action" || key == "formaction") {
                std::string target = decodeValue(value);
                if (lowerCase(std::string_view(target).substr(0, 11)) == "javascript:") {
                    ++features_.javascript_urls;
                }
                if (key == "href") {
                    href = std::move(target);
                }
            }
        }
        apply(legacy, presentation);
        if (style) {
            apply(*style, presentation);
        }
        countElement(name, legacy, style, type, std::move(href));
        if (!selfClosing && !isVoidElement(name) && open_.size() < limits_.max_open_elements) {
            open_.push_back(OpenElement{name, presentation});
        }
    }

    static void apply(const InlineStyle& style, Presentation& presentation) {
        if (!style.hides.empty()) {
            presentation.hides = style.hides;
        }
        if (style.colour) {
            presentation.colour = *style.colour;
            presentation.colour_set = true;
        }
        if (style.background_image) {
            presentation.background = std::nullopt;
        } else if (style.background) {
            presentation.background = style.background;
        }
        if (style.tiny_font) {
            presentation.tiny = *style.tiny_font;
        }
        presentation.colour_hides = presentation.colour_set && presentation.background &&
                                    coloursAlike(presentation.colour, *presentation.background);
    }

    void countElement(const std::string& name, const InlineStyle& legacy,
                      const std::optional<InlineStyle>& style, std::optional<std::string_view> type,
                      std::optional<std::string> href) {
        if (name == "a") {
            anchor_ = std::nullopt;
            in_mailto_link_ = href && lowerCase(std::string_view(*href).substr(0, 7)) == "mailto:";
            if (href) {
                startAnchor(std::move(*href));
            }
        } else if (name == "img") {
            ++features_.images;
            auto width = style && style->width ? style->width : legacy.width;
            auto height = style && style->height ? style->height : legacy.height;
            if (width && height) {
                if (*width <= 2 && *height <= 2) {
                    ++features_.tracking_images;
                } else {
                    features_.image_area += static_cast<std::uint64_t>(std::min(*width, 10000L)) *
                                            static_cast<std::uint64_t>(std::min(*height, 10000L));
                }
            }
        } else if (name == "form") {
            ++features_.forms;
        } else if (name == "input" && type && lowerCase(*type) == "password") {
            ++features_.password_fields;
        } else if (nameIn(name, {"iframe", "frame", "object", "embed", "applet"})) {
            ++features_.frames;
        }
    }

    // `target`: the href, references decoded.
    void startAnchor(std::string target) {
        if (features_.anchors.size() >= limits_.max_anchors) {
            ++features_.anchors_not_kept;
            return;
        }
        target.resize(std::min(target.size(), limits_.max_anchor_target_bytes));
        auto first = target.find_first_not_of(" \t\r\n");
        target.erase(0, first == std::string::npos ? target.size() : first);
        features_.anchors.push_back(HtmlAnchor{std::move(target), {}});
        anchor_ = features_.anchors.size() - 1;
        anchor_space_ = false;
    }

    // An attribute value with its character references decoded (and counted). Escaped
    // letters of a mailto: target are not counted: web pages have long written addresses
    // that way to keep them from address harvesters.
    std::string decodeValue(std::string_view value) {
        std::string decoded;
        std::uint64_t letters = 0;
        for (std::size_t i = 0; i < value.size();) {
            if (value[i] == '&') {
                std::string one;
                if (auto used = decodeCharacterReference(value, i, one)) {
                    letters += countReference(value.substr(i, used), one) ? 1 : 0;
                    decoded += one;
                    i += used;
                    continue;
                }
            }
            decoded += value[i++];
        }
        auto start = decoded.find_first_not_of(" \t\r\n");
        bool mailto = start != std::string::npos &&
                      lowerCase(std::string_view(decoded).substr(start, 7)) == "mailto:";
        features_.escaped_letters += mailto ? 0 : letters;
        return decoded;
    }

    // Counts a reference; true when it stands for an ASCII letter or digit written by number.
    bool countReference(std::string_view written, std::string_view decoded) {
        ++features_.character_references;
        bool numeric = written.size() > 1 && written[1] == '#';
        return numeric && decoded.size() == 1 &&
               std::isalnum(static_cast<unsigned char>(decoded[0]));
    }

    // Skips the content of script, style and title up to its close tag.
    std::size_t skipElement(std::size_t from, const std::string& name) {
        if (!open_.empty() && open_.back().name == name) {
            open_.pop_back();
        }
        for (std::size_t at = from; (at = html_.find("</", at)) != std::string_view::npos;
             at += 2) {
            if (html_.size() - at - 2 >= name.size() &&
                strncasecmp(html_.data() + at + 2, name.data(), name.size()) == 0) {
                auto close = html_.find('>', at);
                return close == std::string_view::npos ? html_.size() : close + 1;
            }
        }
        return html_.size();
    }

    // One character of text (or a character reference) at html_[at].
    std::size_t text(std::size_t at) {
        if (html_[at] == '&') {
            if (auto invisible = invisibleReference(html_, at)) {
                ++features_.character_references;
                character(invisible->first);
                return at + invisible->second;
            }
            std::string decoded;
            if (auto used = decodeCharacterReference(html_, at, decoded)) {
                bool letter = countReference(html_.substr(at, used), decoded);
                escaped_in_word_ += letter && !in_mailto_link_ ? 1 : 0;
                std::size_t inside = 0;
                character(nextCodePoint(decoded, inside));
                return at + used;
            }
        }
        std::size_t next = at;
        character(nextCodePoint(html_, next));
        return next;
    }

    void character(char32_t c) {
        if (isBlankCharacter(c)) {
            breakWord();
            return;
        }
        invisible_.character(c);
        if (isInvisibleCharacter(c)) {
            return;
        }
        word_has_address_ = word_has_address_ || c == '@';
        const auto& shown = current();
        if (!shown.hides.empty()) {
            if (features_.hidden_characters++ == 0) {
                features_.hidden_how = shown.hides;
            }
            sample(features_.hidden_sample, c, hidden_space_);
        } else if (shown.colour_hides) {
            if (features_.camouflaged_characters++ == 0) {
                features_.camouflage_colours =
                    colourName(shown.colour) + " on " + colourName(*shown.background);
            }
            sample(features_.camouflaged_sample, c, camouflaged_space_);
        } else if (shown.tiny) {
            ++features_.tiny_font_characters;
            sample(features_.tiny_font_sample, c, tiny_space_);
        } else {
            ++features_.visible_characters;
            if (anchor_) {
                auto& shownText = features_.anchors[*anchor_].text;
                if (shownText.size() < limits_.max_anchor_text_bytes) {
                    if (anchor_space_ && !shownText.empty()) {
                        shownText += ' ';
                    }
                    appendUtf8(shownText, c);
                }
                anchor_space_ = false;
            }
        }
    }

    void sample(std::string& into, char32_t c, bool& space) {
        if (into.size() >= limits_.max_sample_bytes) {
            return;
        }
        if (space && !into.empty()) {
            into += ' ';
        }
        space = false;
        appendUtf8(into, c);
    }

    // The end of a word: its escaped letters count unless it is an address (web pages have
    // long written addresses as references to keep them from harvesters).
    void breakWord() {
        features_.escaped_letters += word_has_address_ ? 0 : escaped_in_word_;
        escaped_in_word_ = 0;
        word_has_address_ = false;
        invisible_.boundary();
        anchor_space_ = hidden_space_ = camouflaged_space_ = tiny_space_ = true;
        features_.invisible_characters = invisible_.total();
        features_.invisible_in_words = invisible_.inWords();
    }

    std::string_view html_;
    const HtmlFeatureLimits& limits_;
    HtmlFeatures features_;
    Presentation base_;
    std::vector<OpenElement> open_;
    std::optional<std::size_t> anchor_;
    bool anchor_space_ = false;
    bool hidden_space_ = false;
    bool camouflaged_space_ = false;
    bool tiny_space_ = false;
    std::uint64_t escaped_in_word_ = 0;
    bool word_has_address_ = false;
    bool in_mailto_link_ = false;  // its text is often an address written as references
    InvisibleCharacterCounter invisible_;
};

}  // namespace

HtmlFeatures readHtmlFeatures(std::string_view html, const HtmlFeatureLimits& limits) {
    FeatureReader reader(html, limits);
    return reader.read();
}

}  // namespace mailgate
