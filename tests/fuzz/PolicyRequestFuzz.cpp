// libFuzzer target: the Postfix policy request parser. Feeds the input in two pieces
// (split at a position taken from the first byte) under tight limits, and checks that
// every request it accepts has the protocol's required attribute and bounded size.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "policyd/PolicyRequest.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) {
        return 0;
    }
    std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
    std::size_t split = data[0] % (input.size() + 1);
    mailgate::PolicyRequestParser parser(mailgate::PolicyRequestLimits{128, 16, 1024});
    parser.feed(input.substr(0, split));
    for (int round = 0; round < 2; ++round) {
        while (true) {
            auto next = parser.next();
            if (!next || !next->has_value()) {
                if (!next) {
                    return 0;  // a protocol error ends the connection
                }
                break;
            }
            const auto& request = **next;
            if (request.get("request") != "smtpd_access_policy" || request.size() > 16) {
                std::abort();
            }
        }
        parser.feed(input.substr(split));
    }
    return 0;
}
