// libFuzzer target: the list entries postmasters write (client patterns of access lists
// and greylisting whitelists, greylisting recipient patterns) and greylisting's sender
// normalisation. Input: a first byte choosing the parser, then the text. An accepted
// pattern must answer for any client without reading out of bounds; normalising must
// never grow an address beyond its own length plus the "@" it may keep.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "gateway/checks/greylist/GreylistWhitelist.hpp"
#include "gateway/checks/greylist/SenderNormalizer.hpp"
#include "gateway/net/ClientPattern.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0 || size > 512) {
        return 0;
    }
    std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
    switch (data[0] % 3) {
        case 0: {
            auto pattern = mailgate::ClientPattern::parse(text);
            if (pattern) {
                auto address = mailgate::IpAddress::parse("192.0.2.1");
                (void)pattern->matches(*address, text);
                (void)pattern->matches(*address, "mx.example.com");
            }
            break;
        }
        case 1: {
            auto pattern = mailgate::RecipientPattern::parse(text);
            if (pattern) {
                (void)pattern->matches(text);
                (void)pattern->matches("bob+x@example.com");
            }
            break;
        }
        default: {
            std::string normalised = mailgate::normalizeGreylistSender(text);
            if (normalised.size() > text.size() + 1) {
                std::abort();
            }
        }
    }
    return 0;
}
