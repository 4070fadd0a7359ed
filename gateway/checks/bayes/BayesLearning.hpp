// BayesLearning: the one entry point that learns a message into the statistical filter
// (C10) or forgets it, used by `mailgatectl learn` and, later, by the quarantine and the
// web UI: parse, tokenize with the [bayes] settings, digest, and tell the store. Not
// here: finding files, or deciding what is spam (the caller says).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "gateway/checks/bayes/BayesStore.hpp"
#include "gateway/checks/bayes/BayesTokenizer.hpp"
#include "gateway/config/Config.hpp"

namespace mailgate {

enum class BayesLesson { Spam, Ham, Forget };

// The tokenizer's limits that the [bayes] settings ask for.
BayesTokenizerLimits bayesTokenizerLimits(const BayesSettings& settings);

// How a learned message is recognised: the hex SHA-256 of its tokens (sorted, 8 bytes
// each, big-endian). Not of its bytes: the same message after a filter added its headers
// (X-Spam-*, X-Mailgate-*, which are never tokens) is the same lesson, so a message
// autolearned by the milter and later learned from the quarantine or a user's mailbox is
// recognised. Changing bayes.word_pairs changes every token, and so every digest.
std::string bayesMessageDigest(const std::vector<std::uint64_t>& tokens);

// A parsed message as a lesson for the store: its tokens and their digest.
BayesStore::Lesson bayesLessonOf(const Message& message, const BayesSettings& settings);

// Learns (or forgets) one message given as its bytes.
boost::asio::awaitable<Result<BayesLearnResult>> learnMessage(const BayesStore& store,
                                                              const Config& config,
                                                              std::string_view raw,
                                                              BayesLesson lesson);

// Learns (or forgets) several messages together: three waits on Redis for all of them.
boost::asio::awaitable<Result<std::vector<BayesLearnResult>>> learnMessages(
    const BayesStore& store, const Config& config, const std::vector<std::string>& raws,
    BayesLesson lesson);

}  // namespace mailgate
