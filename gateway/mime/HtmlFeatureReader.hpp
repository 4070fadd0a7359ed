// readHtmlFeatures: one linear pass over a decoded HTML part that counts what the HTML
// does beyond its text (gateway/message/HtmlFeatures.hpp): visible, hidden and tiny text
// (inline styles and legacy attributes, inherited through the open elements), images,
// forms, scripts, frames, character references, invisible characters, and each link's
// target with its visible text. Lenient like a browser about broken markup, bounded in
// what it keeps, never more than linear in the input. It reduces nothing to text
// (HtmlText.cpp does) and applies no style sheet (<style> is skipped like <script>).
#pragma once

#include <string_view>

#include "gateway/message/HtmlFeatures.hpp"

namespace mailgate {

HtmlFeatures readHtmlFeatures(std::string_view html, const HtmlFeatureLimits& limits = {});

}  // namespace mailgate
