// libFuzzer target: arbitrary bytes as the text of a part, as HTML reduced to text with
// its links, and as one link target, through the URL extractor with small limits. Nothing
// may crash or read out of bounds; the host bound must hold, every host kept must be
// non-empty lower-case ASCII, and a name must have its registrable domain.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "gateway/mime/HtmlText.hpp"
#include "gateway/mime/UrlExtractor.hpp"

namespace {

void checkResult(const mailgate::ExtractedUrls& urls, const mailgate::UrlLimits& limits) {
    if (urls.hosts.size() > limits.max_hosts) {
        std::abort();
    }
    for (const auto& host : urls.hosts) {
        if (host.host.empty()) {
            std::abort();
        }
        for (char c : host.host) {
            if (static_cast<unsigned char>(c) >= 0x80 || (c >= 'A' && c <= 'Z')) {
                std::abort();
            }
        }
        if (host.form == mailgate::UrlHostForm::Name && host.registrable.empty()) {
            std::abort();
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view input(reinterpret_cast<const char*>(data), size);
    mailgate::UrlLimits limits;
    limits.max_hosts = 16;
    limits.max_url_bytes = 512;

    mailgate::UrlExtractor text(limits);
    text.addText(input);
    text.addLink(input);
    checkResult(text.result(), limits);

    mailgate::HtmlLinks links;
    std::string reduced = mailgate::htmlToText(input, 4096, links);
    mailgate::UrlExtractor html(limits);
    html.addText(reduced);
    for (const auto& link : links.targets) {
        html.addLink(link);
    }
    checkResult(html.result(), limits);
    (void)mailgate::numericIpv4Address(input.substr(0, 80));
    (void)mailgate::hostMixesScripts(input);
    return 0;
}
