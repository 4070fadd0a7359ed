// libFuzzer target: both listening-address notations. An accepted address must describe
// itself in a form that parses back to the same address.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "gateway/config/SocketAddress.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    for (auto parsed :
         {mailgate::parsePostfixSocketAddress(text), mailgate::parseMilterSocketAddress(text)}) {
        if (!parsed) {
            continue;
        }
        auto again = mailgate::parsePostfixSocketAddress(parsed->describe());
        if (!again || again->describe() != parsed->describe()) {
            std::abort();
        }
    }
    return 0;
}
