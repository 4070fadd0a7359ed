// libFuzzer target: any text as an RFC 5322 date-time (gateway/mime/MailDate). Nothing may
// crash or overflow, and a date that parses has a zone within what four digits can say.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "gateway/mime/MailDate.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    auto date = mailgate::parseMailDate(text);
    if (date && (date->zone_minutes > 99 * 60 + 99 || date->zone_minutes < -(99 * 60 + 99))) {
        std::abort();
    }
    return 0;
}
