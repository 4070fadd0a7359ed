// How an HTML element is presented (see HtmlStyle.hpp).
#include "gateway/mime/HtmlStyle.hpp"

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "gateway/util/AsciiCase.hpp"

namespace mailgate {
namespace {

struct NamedColour {
    std::string_view name;
    HtmlColour colour;
};

constexpr NamedColour kNamedColours[] = {
    {"white", {255, 255, 255}},
    {"black", {0, 0, 0}},
    {"red", {255, 0, 0}},
    {"green", {0, 128, 0}},
    {"blue", {0, 0, 255}},
    {"yellow", {255, 255, 0}},
    {"gray", {128, 128, 128}},
    {"grey", {128, 128, 128}},
    {"silver", {192, 192, 192}},
    {"navy", {0, 0, 128}},
    {"maroon", {128, 0, 0}},
    {"purple", {128, 0, 128}},
    {"fuchsia", {255, 0, 255}},
    {"lime", {0, 255, 0}},
    {"olive", {128, 128, 0}},
    {"teal", {0, 128, 128}},
    {"aqua", {0, 255, 255}},
    {"orange", {255, 165, 0}},
    {"whitesmoke", {245, 245, 245}},
    {"snow", {255, 250, 250}},
    {"ivory", {255, 255, 240}},
    {"ghostwhite", {248, 248, 255}},
    {"floralwhite", {255, 250, 240}},
    {"mintcream", {245, 255, 250}},
    {"azure", {240, 255, 255}},
    {"aliceblue", {240, 248, 255}},
    {"seashell", {255, 245, 238}},
    {"honeydew", {240, 255, 240}},
    {"lightgray", {211, 211, 211}},
    {"lightgrey", {211, 211, 211}},
    {"darkgray", {169, 169, 169}},
    {"darkgrey", {169, 169, 169}},
};

std::string_view trim(std::string_view text) {
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
        text.remove_prefix(1);
    }
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
        text.remove_suffix(1);
    }
    return text;
}

int hexDigit(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

std::optional<HtmlColour> hexColour(std::string_view digits) {
    if (digits.size() != 3 && digits.size() != 6) {
        return std::nullopt;
    }
    int values[6] = {};
    for (std::size_t i = 0; i < digits.size(); ++i) {
        values[i] = hexDigit(digits[i]);
        if (values[i] < 0) {
            return std::nullopt;
        }
    }
    if (digits.size() == 3) {
        return HtmlColour{values[0] * 17, values[1] * 17, values[2] * 17};
    }
    return HtmlColour{values[0] * 16 + values[1], values[2] * 16 + values[3],
                      values[4] * 16 + values[5]};
}

// "rgb(1, 2, 3)" or "rgba(1, 2, 3, 0.5)"; percentages and other forms are not understood.
std::optional<HtmlColour> functionalColour(std::string_view value) {
    auto open = value.find('(');
    auto close = value.find(')');
    if (open == std::string_view::npos || close == std::string_view::npos || close < open) {
        return std::nullopt;
    }
    std::string inside(value.substr(open + 1, close - open - 1));
    int channels[3] = {};
    const char* at = inside.c_str();
    for (int& channel : channels) {
        char* end = nullptr;
        long number = std::strtol(at, &end, 10);
        if (end == at || number < 0 || number > 255) {
            return std::nullopt;
        }
        channel = static_cast<int>(number);
        at = end;
        while (*at == ' ' || *at == ',') {
            ++at;
        }
    }
    return HtmlColour{channels[0], channels[1], channels[2]};
}

// A number followed by its unit ("1.5em"): nullopt when it does not start with a number.
std::optional<std::pair<double, std::string>> numberWithUnit(std::string_view value) {
    std::string text(trim(value).substr(0, 32));
    char* end = nullptr;
    double number = std::strtod(text.c_str(), &end);
    if (end == text.c_str() || number < 0 || number != number) {
        return std::nullopt;
    }
    return std::pair{number, lowerCase(trim(std::string_view(end)))};
}

bool hasWord(std::string_view value, std::string_view word) {
    return lowerCase(trim(value)) == word;
}

}  // namespace

std::optional<HtmlColour> parseHtmlColour(std::string_view value) {
    value = trim(value);
    if (value.empty() || value.size() > 64) {
        return std::nullopt;
    }
    if (value.front() == '#') {
        return hexColour(value.substr(1));
    }
    std::string lower = lowerCase(value);
    if (lower.rfind("rgb", 0) == 0) {
        return functionalColour(lower);
    }
    for (const auto& named : kNamedColours) {
        if (lower == named.name) {
            return named.colour;
        }
    }
    return hexColour(value);  // bgcolor=ffffff: browsers read it as #ffffff
}

bool coloursAlike(HtmlColour text, HtmlColour background) {
    return std::abs(text.red - background.red) <= 24 &&
           std::abs(text.green - background.green) <= 24 &&
           std::abs(text.blue - background.blue) <= 24;
}

std::string colourName(HtmlColour colour) {
    char name[8];
    std::snprintf(name, sizeof name, "#%02x%02x%02x", colour.red & 0xFF, colour.green & 0xFF,
                  colour.blue & 0xFF);
    return name;
}

std::optional<bool> tinyFontSize(std::string_view value) {
    auto parsed = numberWithUnit(value);
    if (!parsed) {
        return std::nullopt;
    }
    auto [number, unit] = *parsed;
    if (unit.empty()) {
        return number <= 1.0;
    }
    if (unit == "px" || unit == "pt") {
        return number <= 2.0;
    }
    if (unit == "em" || unit == "rem") {
        return number < 0.2;
    }
    if (unit == "%") {
        return number < 20.0;
    }
    return std::nullopt;
}

std::optional<long> pixelLength(std::string_view value) {
    auto parsed = numberWithUnit(value);
    if (!parsed || parsed->first > 1e6 || (!parsed->second.empty() && parsed->second != "px")) {
        return std::nullopt;
    }
    return static_cast<long>(parsed->first);
}

InlineStyle parseInlineStyle(std::string_view css) {
    InlineStyle style;
    bool overflowHidden = false;
    bool zeroHeight = false;
    while (!css.empty()) {
        auto end = css.find(';');
        std::string_view declaration = css.substr(0, end);
        css = end == std::string_view::npos ? std::string_view() : css.substr(end + 1);
        auto colon = declaration.find(':');
        if (colon == std::string_view::npos) {
            continue;
        }
        std::string property = lowerCase(trim(declaration.substr(0, colon)));
        std::string_view value = trim(declaration.substr(colon + 1));
        if (auto important = lowerCase(value).find("!important"); important != std::string::npos) {
            value = trim(value.substr(0, important));
        }
        if (property == "display" && hasWord(value, "none")) {
            style.hides = "display:none";
        } else if (property == "visibility" &&
                   (hasWord(value, "hidden") || hasWord(value, "collapse"))) {
            style.hides = "visibility:hidden";
        } else if (property == "opacity" && numberWithUnit(value) &&
                   numberWithUnit(value)->first < 0.05) {
            style.hides = "opacity:0";
        } else if (property == "color") {
            style.colour = parseHtmlColour(value);
        } else if (property == "background-color") {
            style.background = parseHtmlColour(value);
        } else if (property == "background" || property == "background-image") {
            std::string lower = lowerCase(value);
            style.background_image =
                style.background_image || lower.find("url(") != std::string::npos;
            auto space = lower.find(' ');
            if (auto colour = parseHtmlColour(std::string_view(lower).substr(0, space))) {
                style.background = colour;
            }
        } else if (property == "font-size") {
            style.tiny_font = tinyFontSize(value);
        } else if (property == "width") {
            style.width = pixelLength(value);
        } else if (property == "height" || property == "max-height") {
            auto length = pixelLength(value);
            zeroHeight = zeroHeight || (length && *length == 0);
            if (property == "height") {
                style.height = length;
            }
        } else if (property == "overflow" && hasWord(value, "hidden")) {
            overflowHidden = true;
        }
    }
    if (style.hides.empty() && zeroHeight && overflowHidden) {
        style.hides = "zero height, overflow hidden";
    }
    return style;
}

}  // namespace mailgate
