// Unit tests of the statistical filter's arithmetic against hand-computed values
// (gateway/checks/bayes/BayesClassifier).
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "gateway/checks/bayes/BayesClassifier.hpp"

namespace mailgate {
namespace {

BayesClassifierSettings settings() {
    BayesClassifierSettings s;
    s.min_learned = 10;
    return s;
}

TEST(BayesClassifier, TokenProbabilityUsesEachClassesShareAndThePrior) {
    // 10 of 100 spam, 0 of 100 ham: raw 1.0, seen 10: (1 * 0.5 + 10 * 1) / 11.
    EXPECT_NEAR(bayesTokenProbability({10, 0}, {100, 100}, settings()), 10.5 / 11, 1e-12);
    // 1 of 100 spam, 1 of 300 ham: raw 0.01 / (0.01 + 1/300) = 0.75, seen 2: 2 / 3.
    EXPECT_NEAR(bayesTokenProbability({1, 1}, {100, 300}, settings()), 2.0 / 3, 1e-12);
    // Never seen: the prior.
    EXPECT_EQ(bayesTokenProbability({0, 0}, {100, 100}, settings()), 0.5);
}

TEST(BayesClassifier, ChiSquareSurvivalMatchesTheClosedForm) {
    EXPECT_NEAR(chiSquareSurvival(2, 2), std::exp(-1.0), 1e-12);
    EXPECT_NEAR(chiSquareSurvival(4, 4), 3 * std::exp(-2.0), 1e-12);
    EXPECT_NEAR(chiSquareSurvival(10, 6), 18.5 * std::exp(-5.0), 1e-12);
    EXPECT_EQ(chiSquareSurvival(0, 6), 1.0);
    EXPECT_GE(chiSquareSurvival(5000, 300), 0.0);  // no underflow to NaN
    EXPECT_LT(chiSquareSurvival(5000, 300), 1e-100);
}

TEST(BayesClassifier, SilentUntilEnoughOfEachClassIsLearned) {
    auto result = bayesClassify({{10, 0}}, {9, 100}, settings());
    EXPECT_FALSE(result.active);
    result = bayesClassify({{10, 0}}, {10, 10}, settings());
    EXPECT_TRUE(result.active);
}

TEST(BayesClassifier, OneTokenGivesItsOwnProbability) {
    // Q(-2 ln p, 2) = p, so with one token the combination is p itself.
    auto result = bayesClassify({{10, 0}}, {100, 100}, settings());
    EXPECT_EQ(result.tokens_used, 1u);
    EXPECT_NEAR(result.probability, 10.5 / 11, 1e-9);
}

TEST(BayesClassifier, OpposedEvidenceCancelsAndDullTokensAreLeftOut) {
    // p = 0.9 and p = 0.1 (each seen often enough that the prior barely moves them).
    std::vector<BayesTokenCounts> tokens = {{900, 100}, {100, 900}, {50, 50}};
    auto result = bayesClassify(tokens, {1000, 1000}, settings());
    EXPECT_EQ(result.tokens_used, 2u);  // the 0.5 token is not telling
    EXPECT_NEAR(result.probability, 0.5, 1e-9);
}

TEST(BayesClassifier, ManySpammyTokensGiveNearCertaintyAndManyHammyOnesNearZero) {
    std::vector<BayesTokenCounts> spammy(40, BayesTokenCounts{80, 2});
    std::vector<BayesTokenCounts> hammy(40, BayesTokenCounts{2, 80});
    EXPECT_GT(bayesClassify(spammy, {100, 100}, settings()).probability, 0.999);
    EXPECT_LT(bayesClassify(hammy, {100, 100}, settings()).probability, 0.001);
}

TEST(BayesClassifier, OnlyTheMostTellingTokensAreUsed) {
    BayesClassifierSettings s = settings();
    s.max_tokens = 3;
    std::vector<BayesTokenCounts> tokens = {{99, 1}, {60, 40}, {1, 99}, {98, 2}, {70, 30}};
    auto result = bayesClassify(tokens, {100, 100}, s);
    EXPECT_EQ(result.tokens_used, 3u);
    EXPECT_GT(result.probability, 0.5);  // two strong spam tokens against one strong ham
}

}  // namespace
}  // namespace mailgate
