// libFuzzer target: the config loader on arbitrary text. Every outcome is either a
// snapshot or a list of problems that each name the file; never both, never neither.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "gateway/config/ConfigLoader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    auto outcome = mailgate::ConfigLoader::loadText(text, "fuzz.toml", "/nonexistent");
    if (outcome.problems.empty() == (outcome.config == nullptr)) {
        std::abort();
    }
    for (const auto& problem : outcome.problems) {
        if (problem.file.empty() || problem.describe().empty()) {
            std::abort();
        }
    }
    return 0;
}
