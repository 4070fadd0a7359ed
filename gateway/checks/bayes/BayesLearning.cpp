// Learning one message into the statistical filter (see BayesLearning.hpp).
#include "gateway/checks/bayes/BayesLearning.hpp"

#include "gateway/engine/ContentStage.hpp"
#include "gateway/mime/MimeParser.hpp"
#include "gateway/util/Digests.hpp"

namespace mailgate {
namespace {

// Parsed as the content stage parses it, so a message learned and the same message
// classified have the same tokens.
BayesStore::Lesson lessonOf(const Config& config, std::string_view raw) {
    auto message = MimeParser(mimeLimitsFrom(config.content)).parse(raw, {});
    return bayesLessonOf(message, config.bayes);
}

}  // namespace

BayesTokenizerLimits bayesTokenizerLimits(const BayesSettings& settings) {
    BayesTokenizerLimits limits;
    limits.word_pairs = settings.word_pairs;
    limits.max_tokens = static_cast<std::size_t>(settings.max_tokens);
    limits.max_text_bytes = static_cast<std::size_t>(settings.max_text_bytes);
    return limits;
}

std::string bayesMessageDigest(const std::vector<std::uint64_t>& tokens) {
    std::string bytes;
    bytes.reserve(tokens.size() * 8);
    for (auto token : tokens) {
        for (int shift = 56; shift >= 0; shift -= 8) {
            bytes += static_cast<char>((token >> shift) & 0xFF);
        }
    }
    return sha256Hex(bytes);
}

BayesStore::Lesson bayesLessonOf(const Message& message, const BayesSettings& settings) {
    BayesStore::Lesson lesson;
    lesson.tokens = bayesTokens(message, bayesTokenizerLimits(settings));
    lesson.digest = bayesMessageDigest(lesson.tokens);
    return lesson;
}

boost::asio::awaitable<Result<BayesLearnResult>> learnMessage(const BayesStore& store,
                                                              const Config& config,
                                                              std::string_view raw,
                                                              BayesLesson lesson) {
    auto learned = lessonOf(config, raw);
    if (lesson == BayesLesson::Forget) {
        co_return co_await store.forget(learned.tokens, learned.digest);
    }
    co_return co_await store.learn(learned.tokens, learned.digest, lesson == BayesLesson::Spam);
}

boost::asio::awaitable<Result<std::vector<BayesLearnResult>>> learnMessages(
    const BayesStore& store, const Config& config, const std::vector<std::string>& raws,
    BayesLesson lesson) {
    std::vector<BayesStore::Lesson> lessons;
    lessons.reserve(raws.size());
    for (const auto& raw : raws) {
        lessons.push_back(lessonOf(config, raw));
    }
    co_return co_await store.learnMany(lessons, lesson == BayesLesson::Spam,
                                       lesson == BayesLesson::Forget);
}

}  // namespace mailgate
