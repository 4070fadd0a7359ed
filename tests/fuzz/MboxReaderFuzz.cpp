// libFuzzer target: bytes read as an mbox file (gateway/message/MboxReader). Nothing may
// crash or read out of bounds, no message may pass the cap, and there can be no more
// messages than postmark lines.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>

#include "gateway/message/MboxReader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string input(reinterpret_cast<const char*>(data), size);
    std::size_t postmarks = input.compare(0, 5, "From ") == 0 ? 1 : 0;
    for (auto at = input.find("\nFrom "); at != std::string::npos;
         at = input.find("\nFrom ", at + 1)) {
        ++postmarks;
    }
    std::istringstream in(input);
    constexpr std::size_t kCap = 512;
    mailgate::MboxReader reader(in, kCap);
    std::size_t messages = 0;
    while (auto message = reader.next()) {
        if (message->empty() || message->size() > kCap) {
            std::abort();
        }
        ++messages;
    }
    if (messages + reader.skippedTooLarge() > postmarks) {
        std::abort();
    }
    return 0;
}
