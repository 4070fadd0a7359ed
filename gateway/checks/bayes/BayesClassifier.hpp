// BayesClassifier: the statistical filter's arithmetic (C10), on counts someone else has
// read: each token's spam probability with Robinson's prior for rare tokens, and the
// message's probability by Fisher's method (the chi-square combination of the most
// telling tokens' probabilities). Pure functions; no I/O, no tokenizing, no symbols.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace mailgate {

struct BayesTokenCounts {
    std::uint64_t spam = 0;  // spam messages learned that had the token
    std::uint64_t ham = 0;
};

struct BayesTotals {
    std::uint64_t spam_messages = 0;  // spam messages learned
    std::uint64_t ham_messages = 0;
};

struct BayesClassifierSettings {
    double prior_strength = 1.0;      // how many sightings the prior is worth (Robinson's s)
    double prior_probability = 0.5;   // a token never seen (Robinson's x)
    double min_deviation = 0.1;       // tokens with |p - 0.5| below this are not used
    std::size_t max_tokens = 150;     // the most telling tokens used, at most
    std::uint64_t min_learned = 200;  // of each class, before the filter says anything
};

struct BayesResult {
    bool active = false;       // false: too little learned; probability means nothing
    double probability = 0.5;  // 0 (ham) .. 1 (spam)
    std::size_t tokens_used = 0;
};

// A token's spam probability from its counts, pulled toward prior_probability the
// fewer times it was seen.
double bayesTokenProbability(const BayesTokenCounts& counts, const BayesTotals& totals,
                             const BayesClassifierSettings& settings);

// The probability that a chi-square variable with `degrees` (even) degrees of freedom
// exceeds `chi`: the inverse chi-square function of Fisher's method.
double chiSquareSurvival(double chi, std::size_t degrees);

// The message's spam probability from the counts of its tokens (one entry per token).
BayesResult bayesClassify(const std::vector<BayesTokenCounts>& tokens, const BayesTotals& totals,
                          const BayesClassifierSettings& settings);

}  // namespace mailgate
