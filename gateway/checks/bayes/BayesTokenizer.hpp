// BayesTokenizer: the features the statistical filter (C10) learns and classifies by,
// read from the message model: words of the Subject and of the decoded text parts (HTML
// already reduced to its text by the parser), optionally sparse word pairs, URL host
// names, and selected header facts (sender and Reply-To domains, the Message-ID's domain,
// the mail client, the MIME structure, attachment types). Each feature is a short string
// with a prefix saying where it came from ("s:" subject word, "u:" URL host, ...), then
// hashed to 64 bits; the set is de-duplicated and capped. Not here: the counts, the
// probabilities (BayesClassifier) or Redis (the store).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/message/Message.hpp"

namespace mailgate {

struct BayesTokenizerLimits {
    std::size_t max_tokens = 3000;       // distinct features per message, at most
    std::size_t max_text_bytes = 65536;  // of body text read, over all parts
    std::size_t min_word_bytes = 3;      // shorter words are skipped
    std::size_t max_word_bytes = 24;     // longer ones become a "long word" feature
    bool word_pairs = false;             // sparse pairs of words within a window
    std::size_t pair_window = 4;         // a word is paired with the next 1..window-1
    // 0: header facts only; 1: also the words of chosen header fields (From, Received,
    // Content-Type, the mail client...) and the names of all; 2: the words of all fields.
    // 1 validated best on the training groups (docs/bayes.md).
    int header_words = 1;
};

// The features of one message, as readable strings (for tests and `mailgatectl`), in
// the order found, without duplicates, at most limits.max_tokens of them.
std::vector<std::string> bayesFeatures(const Message& message, const BayesTokenizerLimits& limits);

// The same features hashed (stable across builds and hosts: FNV-1a 64), sorted, unique.
std::vector<std::uint64_t> bayesTokens(const Message& message, const BayesTokenizerLimits& limits);

// The hash of one feature string.
std::uint64_t bayesTokenHash(std::string_view feature);

// The words of a text, lower-cased (ASCII), in order: runs of letters, digits and the
// bytes of non-ASCII UTF-8 characters, with inner apostrophes, dots and dashes kept
// ("don't", "v1.2", "e-mail"). Exposed for tests.
std::vector<std::string> bayesWords(std::string_view text, const BayesTokenizerLimits& limits);

}  // namespace mailgate
