// Learning one message into the statistical filter (see BayesLearning.hpp).
#include "gateway/checks/bayes/BayesLearning.hpp"

#include <openssl/evp.h>

#include <cstdio>

#include "gateway/engine/ContentStage.hpp"
#include "gateway/mime/MimeParser.hpp"

namespace mailgate {

BayesTokenizerLimits bayesTokenizerLimits(const BayesSettings& settings) {
    BayesTokenizerLimits limits;
    limits.word_pairs = settings.word_pairs;
    limits.max_tokens = static_cast<std::size_t>(settings.max_tokens);
    limits.max_text_bytes = static_cast<std::size_t>(settings.max_text_bytes);
    return limits;
}

std::string bayesMessageDigest(std::string_view raw) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    EVP_Digest(raw.data(), raw.size(), digest, &size, EVP_sha256(), nullptr);
    std::string hex;
    char byte[3];
    for (unsigned int i = 0; i < size; ++i) {
        std::snprintf(byte, sizeof byte, "%02x", digest[i]);
        hex += byte;
    }
    return hex;
}

boost::asio::awaitable<Result<BayesLearnResult>> learnMessage(const BayesStore& store,
                                                              const Config& config,
                                                              std::string_view raw,
                                                              BayesLesson lesson) {
    // Parsed as the content stage parses it, so a message learned and the same message
    // classified have the same tokens.
    auto message = MimeParser(mimeLimitsFrom(config.content)).parse(raw, {});
    auto tokens = bayesTokens(message, bayesTokenizerLimits(config.bayes));
    auto digest = bayesMessageDigest(raw);
    if (lesson == BayesLesson::Forget) {
        co_return co_await store.forget(tokens, digest);
    }
    co_return co_await store.learn(tokens, digest, lesson == BayesLesson::Spam);
}

}  // namespace mailgate
