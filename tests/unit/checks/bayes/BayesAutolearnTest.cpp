// Unit tests of when the statistical filter autolearns (gateway/checks/bayes/
// BayesAutolearnCheck): the thresholds, the filter's own disagreement, the balance guard.
#include <gtest/gtest.h>

#include "gateway/checks/bayes/BayesAutolearnCheck.hpp"
#include "gateway/config/SettingSpec.hpp"

namespace mailgate {
namespace {

using Kind = BayesAutolearnChoice::Kind;

BayesSettings settings() {
    BayesSettings bayes = defaultConfig().bayes;
    bayes.autolearn = true;
    bayes.autolearn_spam_at_least = 12.0;
    bayes.autolearn_ham_below = 0.1;
    bayes.autolearn_max_ratio = 3.0;
    bayes.min_learned = 200;
    return bayes;
}

Kind choose(double score, std::optional<double> probability, BayesTotals totals) {
    return bayesAutolearnChoice(settings(), score, probability, totals).kind;
}

TEST(BayesAutolearn, TheThresholdsDecideTheClass) {
    BayesTotals totals{500, 500};
    EXPECT_EQ(choose(12.0, std::nullopt, totals), Kind::Spam);
    EXPECT_EQ(choose(11.9, std::nullopt, totals), Kind::None);
    EXPECT_EQ(choose(0.1, std::nullopt, totals), Kind::None);
    EXPECT_EQ(choose(0.0, std::nullopt, totals), Kind::Ham);
    EXPECT_EQ(choose(-3.0, std::nullopt, totals), Kind::Ham);
}

TEST(BayesAutolearn, NotAgainstTheFiltersOwnLeaning) {
    BayesTotals totals{500, 500};
    EXPECT_EQ(choose(15.0, 0.2, totals), Kind::None);
    EXPECT_EQ(choose(15.0, 0.6, totals), Kind::Spam);
    EXPECT_EQ(choose(0.0, 0.6, totals), Kind::None);
    EXPECT_EQ(choose(0.0, 0.2, totals), Kind::Ham);
    EXPECT_EQ(bayesAutolearnChoice(settings(), 0.0, 0.99, totals).reason, "the filter says spam");
}

TEST(BayesAutolearn, TheBalanceGuardStopsAClassRunningAway) {
    // A young store may learn up to ratio x min_learned of one class.
    EXPECT_EQ(choose(0.0, std::nullopt, {0, 599}), Kind::Ham);
    EXPECT_EQ(choose(0.0, std::nullopt, {0, 600}), Kind::None);
    EXPECT_EQ(choose(0.0, std::nullopt, {1000, 2999}), Kind::Ham);
    EXPECT_EQ(choose(0.0, std::nullopt, {1000, 3000}), Kind::None);
    EXPECT_EQ(choose(20.0, std::nullopt, {1000, 3000}), Kind::Spam);
    EXPECT_EQ(choose(20.0, std::nullopt, {3000, 1000}), Kind::None);
    EXPECT_EQ(bayesAutolearnChoice(settings(), 20.0, std::nullopt, {3000, 1000}).reason,
              "spam far ahead of ham");
}

}  // namespace
}  // namespace mailgate
