// HtmlFeaturesCheck (C11, docs/content-checks.md): what a message's HTML does beyond the
// text it shows, from the facts the MIME parser read (MimePart::html). Symbols: HTML_ONLY
// (HTML and no plain-text part: weak, many newsletters do it), HTML_TEXT_DIFFERS (the
// plain text and HTML alternatives share few words), HTML_MOSTLY_IMAGES, HTML_HIDDEN_TEXT,
// HTML_TINY_FONT, HTML_LINK_TEXT_OTHER_DOMAIN (a link's text shows another site than it
// leads to), HTML_FORM, HTML_PASSWORD_FIELD, HTML_SCRIPT, HTML_IFRAME,
// HTML_ENTITY_OBFUSCATION (letters written as character references) and
// TEXT_ZERO_WIDTH_OBFUSCATION (invisible characters inside words, in any text part).
// Thresholds: [html_features]; scores are defaults the weight fitter refits.
#pragma once

#include "gateway/config/Config.hpp"
#include "gateway/engine/CheckRegistry.hpp"
#include "gateway/engine/ContentCheck.hpp"

namespace mailgate {

class HtmlFeaturesCheck final : public MessageCheck {
  public:
    explicit HtmlFeaturesCheck(const HtmlFeaturesSettings& settings) : settings_(settings) {}

    std::string_view name() const override { return "html_features"; }
    CheckOutcome check(const Message& message) const override;

  private:
    HtmlFeaturesSettings settings_;
};

CheckDescriptor htmlFeaturesCheckDescriptor();

}  // namespace mailgate
