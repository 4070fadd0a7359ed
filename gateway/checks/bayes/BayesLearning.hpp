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

// The hex SHA-256 of a message's bytes: how a learned message is recognised.
std::string bayesMessageDigest(std::string_view raw);

// Learns (or forgets) one message given as its bytes.
boost::asio::awaitable<Result<BayesLearnResult>> learnMessage(const BayesStore& store,
                                                              const Config& config,
                                                              std::string_view raw,
                                                              BayesLesson lesson);

// Learns (or forgets) several messages together: two waits on Redis for all of them.
boost::asio::awaitable<Result<std::vector<BayesLearnResult>>> learnMessages(
    const BayesStore& store, const Config& config, const std::vector<std::string>& raws,
    BayesLesson lesson);

}  // namespace mailgate
