// Learning one message into the statistical filter (see BayesLearning.hpp).
#include "gateway/checks/bayes/BayesLearning.hpp"

#include <openssl/evp.h>

#include <cstdio>

#include "gateway/engine/ContentStage.hpp"
#include "gateway/mime/MimeParser.hpp"

namespace mailgate {
namespace {

// Parsed as the content stage parses it, so a message learned and the same message
// classified have the same tokens.
std::vector<std::uint64_t> tokensToLearn(const Config& config, std::string_view raw) {
    auto message = MimeParser(mimeLimitsFrom(config.content)).parse(raw, {});
    return bayesTokens(message, bayesTokenizerLimits(config.bayes));
}

}  // namespace

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
    auto tokens = tokensToLearn(config, raw);
    auto digest = bayesMessageDigest(raw);
    if (lesson == BayesLesson::Forget) {
        co_return co_await store.forget(tokens, digest);
    }
    co_return co_await store.learn(tokens, digest, lesson == BayesLesson::Spam);
}

boost::asio::awaitable<Result<std::vector<BayesLearnResult>>> learnMessages(
    const BayesStore& store, const Config& config, const std::vector<std::string>& raws,
    BayesLesson lesson) {
    std::vector<BayesStore::Lesson> lessons;
    lessons.reserve(raws.size());
    for (const auto& raw : raws) {
        lessons.push_back({tokensToLearn(config, raw), bayesMessageDigest(raw)});
    }
    co_return co_await store.learnMany(lessons, lesson == BayesLesson::Spam,
                                       lesson == BayesLesson::Forget);
}

}  // namespace mailgate
