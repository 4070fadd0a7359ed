// The [html_features] settings (C11, docs/content-checks.md; fields in Config.hpp): the
// thresholds at which what an HTML part does becomes a symbol of HtmlFeaturesCheck. The
// defaults were tuned on the training groups of the SpamAssassin corpus (spam against
// easy and hard ham); the symbols' scores are in scoring.symbol_weights.
#include "gateway/config/SettingBuilders.hpp"

namespace mailgate {

void appendHtmlFeaturesSettings(std::vector<SettingSpec>& specs) {
    using C = Config;
    using H = HtmlFeaturesSettings;
    specs.push_back(booleanSetting(
        "html_features.enabled", &C::html_features, &H::enabled, true,
        "The HTML features check: HTML without a text alternative, alternatives that say "
        "different things, mostly images, hidden or tiny text, links that show another "
        "site than they lead to, forms, scripts, frames and obfuscated text "
        "(docs/content-checks.md)."));
    specs.push_back(integerSetting(
        "html_features.hidden_text_min_characters", &C::html_features,
        &H::hidden_text_min_characters, 300, 1, 1000000,
        "Characters of text hidden by its style (display:none, visibility:hidden, opacity:0, "
        "zero height) from which HTML_HIDDEN_TEXT is scored. Newsletters hide a preview line "
        "of up to about 150 characters this way, and some a whole mobile-only block: keep "
        "this above what your legitimate senders hide."));
    specs.push_back(integerSetting(
        "html_features.same_colour_text_min_characters", &C::html_features,
        &H::same_colour_text_min_characters, 12, 1, 1000000,
        "Characters of text in (nearly) its background's colour, white on white, from which "
        "HTML_HIDDEN_TEXT is scored. Hash busters are a few dozen characters; legitimate "
        "mail had at most 8 in the training corpus (a stray dot, a word)."));
    specs.push_back(
        integerSetting("html_features.tiny_font_min_characters", &C::html_features,
                       &H::tiny_font_min_characters, 30, 1, 1000000,
                       "Characters in a font of 2px or less from which HTML_TINY_FONT is scored."));
    specs.push_back(integerSetting(
        "html_features.mostly_images_max_characters", &C::html_features,
        &H::mostly_images_max_characters, 150, 0, 1000000,
        "HTML_MOSTLY_IMAGES: an HTML part with an image (tracking pixels aside) and fewer "
        "characters of visible text than this."));
    specs.push_back(integerSetting(
        "html_features.text_differs_min_words", &C::html_features, &H::text_differs_min_words, 10,
        1, 100000,
        "HTML_TEXT_DIFFERS compares a multipart/alternative's plain text and HTML only when "
        "each has at least this many distinct words (a one-line \"view this in HTML\" text "
        "part says nothing)."));
    specs.push_back(numberSetting(
        "html_features.text_differs_max_shared", &C::html_features, &H::text_differs_max_shared,
        0.1, 0.0, 1.0,
        "HTML_TEXT_DIFFERS when the share of the smaller part's words that the other part "
        "has too is below this."));
    specs.push_back(integerSetting(
        "html_features.escaped_letters_min", &C::html_features, &H::escaped_letters_min, 10, 1,
        1000000,
        "HTML_ENTITY_OBFUSCATION: ASCII letters and digits written as numeric character "
        "references (&#86;iagra), which no mail program needs to do, from this many on."));
    specs.push_back(integerSetting(
        "html_features.zero_width_min_in_words", &C::html_features, &H::zero_width_min_in_words, 3,
        1, 1000000,
        "TEXT_ZERO_WIDTH_OBFUSCATION: zero-width characters or soft hyphens between two letters "
        "of a word (in text and HTML parts), from this many on."));
}

}  // namespace mailgate
