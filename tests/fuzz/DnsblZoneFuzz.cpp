// libFuzzer target: the DNS list spec parser ([dnsbl] zones and whitelist_zones). An
// accepted spec must describe itself in a form that parses back to the same zone, and
// its return-code filter must answer for any address without reading out of bounds.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "gateway/dnsbl/DnsblZone.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    auto zone = mailgate::DnsblZone::parse(text);
    if (!zone) {
        return 0;
    }
    auto again = mailgate::DnsblZone::parse(zone->describe());
    if (!again || again->describe() != zone->describe()) {
        std::abort();
    }
    std::uint8_t answer[4] = {127, 0, 0, 0};
    for (std::size_t i = 0; i < size && i < 3; ++i) {
        answer[i + 1] = data[i];
    }
    auto address = mailgate::IpAddress::fromBytes(answer, false);
    (void)zone->filter.matches(address);
    if (zone->queryName(address).size() > 253) {
        std::abort();  // the zone must leave room for any reversed address
    }
    return 0;
}
