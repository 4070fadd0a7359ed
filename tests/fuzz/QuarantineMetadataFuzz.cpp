// libFuzzer target: a quarantine metadata file through readQuarantineMetadata. Nothing may
// crash, throw or read out of bounds; an accepted file is an entry the writer writes
// again, and what it writes reads back to the same text (writing is deterministic and
// loses nothing the reader accepted).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "gateway/quarantine/QuarantineMetadata.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    auto entry = mailgate::readQuarantineMetadata(text);
    if (!entry) {
        if (entry.error().empty()) {
            std::abort();
        }
        return 0;
    }
    auto written = mailgate::writeQuarantineMetadata(entry.value());
    if (!written) {
        std::abort();
    }
    auto reread = mailgate::readQuarantineMetadata(written.value());
    if (!reread) {
        std::abort();
    }
    auto rewritten = mailgate::writeQuarantineMetadata(reread.value());
    if (!rewritten || rewritten.value() != written.value()) {
        std::abort();
    }
    return 0;
}
