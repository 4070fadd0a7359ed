// How an HTML element is presented, as far as a content check cares: whether it hides
// its text (display:none, visibility:hidden, opacity:0, zero height with overflow
// hidden), its text and background colours (CSS and the legacy color, bgcolor and text
// attributes), a tiny font size, and an image's width and height in pixels. Read from one
// element's style attribute or attribute values; inheritance is the reader's business
// (HtmlFeatureReader). Not a CSS engine: no selectors, no <style> sheets, no cascade.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace mailgate {

struct HtmlColour {
    int red = 0;
    int green = 0;
    int blue = 0;
    bool operator==(const HtmlColour&) const = default;
};

// "#fff", "#ffffff", "ffffff" (legacy attributes), "rgb(255, 255, 255)", and the colour
// names mail uses (white and its near-whites among them); nullopt for anything else
// ("transparent", "inherit", garbage).
std::optional<HtmlColour> parseHtmlColour(std::string_view value);
// Near enough that a reader cannot tell text from background: every channel within 24.
bool coloursAlike(HtmlColour text, HtmlColour background);
// "#rrggbb", for reasons.
std::string colourName(HtmlColour colour);

// A font-size value: true when too small to read (0 to 2px or 2pt, a unitless 0 or 1,
// under 0.2em/rem or 20%), false for a readable one, nullopt when not understood.
std::optional<bool> tinyFontSize(std::string_view value);
// A length in pixels ("600", "600px"); nullopt for other units and garbage.
std::optional<long> pixelLength(std::string_view value);

struct InlineStyle {
    std::string_view hides;  // "display:none", ...; empty when it does not hide
    std::optional<HtmlColour> colour;
    std::optional<HtmlColour> background;
    bool background_image = false;  // a background image: the colour behind text is unknown
    std::optional<bool> tiny_font;
    std::optional<long> width;
    std::optional<long> height;
};

// The declarations of one style attribute ("color: #fff; font-size: 0").
InlineStyle parseInlineStyle(std::string_view css);

}  // namespace mailgate
