// libFuzzer target: whole messages through the MIME parser, then the statistical filter's
// tokenizer with small limits. Nothing may crash or read out of bounds, the feature cap
// must hold, and the hashed tokens must be sorted and unique.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "gateway/checks/bayes/BayesTokenizer.hpp"
#include "gateway/mime/MimeParser.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view raw(reinterpret_cast<const char*>(data), size);
    mailgate::MimeLimits mime;
    mime.max_depth = 8;
    mime.max_parts = 64;
    mime.max_decoded_bytes = 1 << 16;
    mime.max_text_bytes = 4096;
    mailgate::Message message = mailgate::MimeParser(mime).parse(raw, {});
    mailgate::BayesTokenizerLimits limits;
    limits.max_tokens = 200;
    limits.max_text_bytes = 2048;
    if (mailgate::bayesFeatures(message, limits).size() > limits.max_tokens) {
        std::abort();
    }
    auto tokens = mailgate::bayesTokens(message, limits);
    if (tokens.size() > limits.max_tokens || !std::is_sorted(tokens.begin(), tokens.end()) ||
        std::adjacent_find(tokens.begin(), tokens.end()) != tokens.end()) {
        std::abort();
    }
    return 0;
}
