// libFuzzer target: any bytes as an HTML part for the HTML feature reader
// (gateway/mime/HtmlFeatureReader). Nothing may crash, hang or overflow, and what it keeps
// stays within its bounds whatever the markup.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "gateway/mime/HtmlFeatureReader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view html(reinterpret_cast<const char*>(data), size);
    mailgate::HtmlFeatureLimits limits;
    limits.max_anchors = 8;
    auto features = mailgate::readHtmlFeatures(html, limits);
    bool withinBounds = features.anchors.size() <= limits.max_anchors &&
                        features.hidden_sample.size() <= limits.max_sample_bytes + 4 &&
                        features.tiny_font_sample.size() <= limits.max_sample_bytes + 4 &&
                        features.invisible_in_words <= features.invisible_characters &&
                        features.tracking_images <= features.images;
    for (const auto& anchor : features.anchors) {
        withinBounds = withinBounds && anchor.text.size() <= limits.max_anchor_text_bytes + 5 &&
                       anchor.target.size() <= limits.max_anchor_target_bytes * 4;
    }
    if (!withinBounds) {
        std::abort();
    }
    return 0;
}
