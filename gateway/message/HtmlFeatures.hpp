// HtmlFeatures: what an HTML part does beyond the text it shows (MISSION C11), as facts
// counted by one bounded pass of gateway/mime/HtmlFeatureReader over the decoded HTML:
// visible and hidden text, images, forms, scripts, frames, characters written as
// references, invisible characters, and each link's target with the text it shows.
// Facts only: gateway/checks/html_features/ judges them. Held by MimePart::html (null for
// parts that are not HTML), so a plain-text message pays nothing for it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace mailgate {

// One <a href>: where it leads and what the reader sees instead.
struct HtmlAnchor {
    std::string target;  // the href, character references decoded, cut at max_target_bytes
    std::string text;    // its visible text, blanks collapsed, cut at max_text_bytes
};

// Bounds of what the reader keeps (counts are never bounded: they are numbers).
struct HtmlFeatureLimits {
    std::size_t max_anchors = 100;
    std::size_t max_anchor_target_bytes = 512;
    std::size_t max_anchor_text_bytes = 160;
    std::size_t max_sample_bytes = 120;  // hidden_sample, camouflaged_sample, tiny_font_sample
    std::size_t max_open_elements = 256;
};

struct HtmlFeatures {
    // Characters (code points, blanks and invisible ones not counted) of text a reader sees.
    std::uint64_t visible_characters = 0;
    // Text its style hides: display:none, visibility:hidden, opacity:0, the hidden
    // attribute, zero height with overflow hidden. `hidden_how` says how the first of it
    // was hidden. Newsletters hide a preview line this way.
    std::uint64_t hidden_characters = 0;
    std::string hidden_how;
    std::string hidden_sample;
    // Text in a colour at (or very near) its background's ("#ffffff on #ffffff" for the
    // first of it), which legitimate mail has little reason to write.
    std::uint64_t camouflaged_characters = 0;
    std::string camouflage_colours;
    std::string camouflaged_sample;
    // Text in a font too small to read (font-size 0 to 2px or 2pt, or under a fifth of em).
    std::uint64_t tiny_font_characters = 0;
    std::string tiny_font_sample;
    // <img>: all of them; those of at most 2x2 pixels (tracking pixels) apart; and the
    // area of the others whose width and height are given.
    std::uint64_t images = 0;
    std::uint64_t tracking_images = 0;
    std::uint64_t image_area = 0;
    std::uint64_t forms = 0;
    std::uint64_t password_fields = 0;  // <input type=password>
    std::uint64_t scripts = 0;          // <script> elements
    std::uint64_t event_handlers = 0;   // on...= attributes (onclick, onload)
    std::uint64_t javascript_urls = 0;  // href, src or action starting with javascript:
    std::uint64_t frames = 0;           // iframe, frame, object, embed, applet
    // Character references in text and link targets (&amp; &#65; ...), and how many of them
    // stand for a plain ASCII letter or digit, which nobody needs to escape (those of an
    // address, in text or a mailto: target, aside: they keep it from harvesters).
    std::uint64_t character_references = 0;
    std::uint64_t escaped_letters = 0;
    // Zero-width and invisible characters (U+200B-U+200D, U+2060, U+FEFF, U+00AD soft hyphen,
    // U+034F), raw or written as references, in all; and those inside a word, between two
    // letters, where they split what a filter reads but not what a reader sees.
    std::uint64_t invisible_characters = 0;
    std::uint64_t invisible_in_words = 0;
    std::uint64_t tags = 0;
    std::vector<HtmlAnchor> anchors;  // in order, at most max_anchors
    std::uint64_t anchors_not_kept = 0;
};

}  // namespace mailgate
