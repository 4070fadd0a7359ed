// Unit tests of the statistical filter's symbols and learning helpers
// (gateway/checks/bayes/BayesCheck, BayesLearning).
#include <gtest/gtest.h>

#include <algorithm>

#include "gateway/checks/bayes/BayesCheck.hpp"
#include "gateway/checks/bayes/BayesLearning.hpp"
#include "gateway/config/SettingSpec.hpp"

namespace mailgate {
namespace {

std::string symbolAt(double probability) {
    return bayesSymbolFor(probability).name;
}

TEST(BayesCheck, EachProbabilityFallsInOneBand) {
    EXPECT_EQ(symbolAt(1.0), "BAYES_SPAM_99");
    EXPECT_EQ(symbolAt(0.99), "BAYES_SPAM_99");
    EXPECT_EQ(symbolAt(0.95), "BAYES_SPAM_90");
    EXPECT_EQ(symbolAt(0.7), "BAYES_SPAM_70");
    EXPECT_EQ(symbolAt(0.5), "BAYES_UNSURE");
    EXPECT_EQ(symbolAt(0.1), "BAYES_UNSURE");
    EXPECT_EQ(symbolAt(0.05), "BAYES_HAM_10");
    EXPECT_EQ(symbolAt(0.0), "BAYES_HAM_01");
    EXPECT_EQ(symbolAt(-0.1), "BAYES_HAM_01");
    EXPECT_EQ(bayesSymbolFor(0.95).detail, "p=0.9500");
}

TEST(BayesCheck, ScoresFallWithTheProbabilityAndOnlyTheTopBandIsSpamAlone) {
    double previous = 1e9;
    for (const auto& band : kBayesBands) {
        EXPECT_LT(band.score, previous) << band.name;
        previous = band.score;
    }
    EXPECT_GE(bayesSymbolFor(0.995).score, 5.0);
    EXPECT_LT(bayesSymbolFor(0.95).score, 5.0);
    EXPECT_LT(bayesSymbolFor(0.001).score, 0.0);
}

TEST(BayesCheck, TheDescriptorNamesEverySymbolItEmits) {
    auto descriptor = bayesCheckDescriptor();
    auto names = descriptor.symbols(defaultConfig());
    for (double p : {1.0, 0.95, 0.75, 0.5, 0.2, 0.05, 0.0}) {
        auto symbol = bayesSymbolFor(p);
        EXPECT_NE(std::find(names.begin(), names.end(), symbol.name), names.end()) << p;
    }
    EXPECT_NE(std::find(names.begin(), names.end(), "BAYES_UNAVAILABLE"), names.end());
}

TEST(BayesLearning, DigestIsTheHexSha256OfTheTokens) {
    EXPECT_EQ(bayesMessageDigest({}),
              "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    // SHA-256 of the 8 bytes 00 00 00 00 00 00 00 01.
    EXPECT_EQ(bayesMessageDigest({1}),
              "cd2662154e6d76b2b2b92e70c0cac3ccf534f9b74eb5b89819ec509083d00a50");
    EXPECT_NE(bayesMessageDigest({1, 2}), bayesMessageDigest({1, 3}));
}

TEST(BayesLearning, HeadersAFilterAddsDoNotChangeTheLesson) {
    Message plain;
    plain.headers = {{"From", "a@b.example", "a@b.example"},
                     {"Subject", "Cheap pills", "Cheap pills"}};
    MimePart root;
    root.text = "buy now while stocks last";
    plain.parts.push_back(root);
    Message tagged = plain;
    tagged.headers.push_back({"X-Spam-Flag", "YES", "YES"});
    tagged.headers.push_back({"X-Mailgate-Id", "abc", "abc"});
    auto settings = defaultConfig().bayes;
    EXPECT_EQ(bayesLessonOf(plain, settings).digest, bayesLessonOf(tagged, settings).digest);
    tagged.parts[0].text += " today";
    EXPECT_NE(bayesLessonOf(plain, settings).digest, bayesLessonOf(tagged, settings).digest);
}

TEST(BayesLearning, TheSettingsGiveTheTokenizersLimits) {
    Config config = defaultConfig();
    config.bayes.word_pairs = true;
    config.bayes.max_tokens = 123;
    config.bayes.max_text_bytes = 4096;
    auto limits = bayesTokenizerLimits(config.bayes);
    EXPECT_TRUE(limits.word_pairs);
    EXPECT_EQ(limits.max_tokens, 123u);
    EXPECT_EQ(limits.max_text_bytes, 4096u);
    EXPECT_FALSE(bayesTokenizerLimits(defaultConfig().bayes).word_pairs);
}

}  // namespace
}  // namespace mailgate
