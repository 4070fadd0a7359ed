// libFuzzer target: whole messages through the MIME parser (GMime and our own content
// reading), every address field through the RFC 5322 reader, and every text part's
// first bytes through the HTML reducer, with small limits so deep and wide inputs hit
// them. Nothing may crash or read out of bounds, and the limits must hold.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "gateway/mime/AddressList.hpp"
#include "gateway/mime/HtmlText.hpp"
#include "gateway/mime/MimeParser.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view raw(reinterpret_cast<const char*>(data), size);
    mailgate::MimeLimits limits;
    limits.max_depth = 8;
    limits.max_parts = 64;
    limits.max_decoded_bytes = 1 << 16;
    limits.max_text_bytes = 4096;
    limits.digests = true;
    mailgate::Message message = mailgate::MimeParser(limits).parse(raw, {});
    if (message.parts.size() > limits.max_parts) {
        std::abort();
    }
    std::uint64_t decoded = 0;
    for (const auto& part : message.parts) {
        decoded += part.decoded_size;
        if (static_cast<std::size_t>(part.depth) > limits.max_depth ||
            part.text.size() > limits.max_text_bytes) {
            std::abort();
        }
        (void)mailgate::htmlToText(part.text, 1024);
    }
    if (decoded > limits.max_decoded_bytes) {
        std::abort();
    }
    for (const auto& header : message.headers) {
        (void)mailgate::parseAddresses(header.raw_value,
                                       mailgate::AddressSyntax::OptionalAddressList);
        (void)mailgate::parseAddresses(header.raw_value, mailgate::AddressSyntax::Mailbox);
    }
    return 0;
}
