// libFuzzer target: one Received field value through parseReceivedField. Nothing may crash,
// hang or read out of bounds; an address it reports is one IpAddress reads back unchanged.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "gateway/mime/ReceivedField.hpp"
#include "gateway/net/IpAddress.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view value(reinterpret_cast<const char*>(data), size);
    auto field = mailgate::parseReceivedField(value);
    if (!field.client_address.empty()) {
        auto address = mailgate::IpAddress::parse(field.client_address);
        if (!address || address.value().toString() != field.client_address) {
            std::abort();
        }
    }
    if (field.reverse != mailgate::ReverseName::Named && !field.reverse_name.empty()) {
        std::abort();
    }
    return 0;
}
