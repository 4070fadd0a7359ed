// The statistical filter's arithmetic (see BayesClassifier.hpp).
#include "gateway/checks/bayes/BayesClassifier.hpp"

#include <algorithm>
#include <cmath>

namespace mailgate {

double bayesTokenProbability(const BayesTokenCounts& counts, const BayesTotals& totals,
                             const BayesClassifierSettings& settings) {
    double seen = static_cast<double>(counts.spam + counts.ham);
    double prior = settings.prior_probability;
    if (seen == 0 || totals.spam_messages == 0 || totals.ham_messages == 0) {
        return prior;
    }
    // The share of each class's messages that had the token, so a corpus with more
    // spam than ham does not make every token look spammy.
    double spamRate =
        std::min(1.0, static_cast<double>(counts.spam) / static_cast<double>(totals.spam_messages));
    double hamRate =
        std::min(1.0, static_cast<double>(counts.ham) / static_cast<double>(totals.ham_messages));
    double raw = spamRate / (spamRate + hamRate);
    double strength = settings.prior_strength;
    return (strength * prior + seen * raw) / (strength + seen);
}

double chiSquareSurvival(double chi, std::size_t degrees) {
    if (chi <= 0) {
        return 1.0;
    }
    // For even degrees 2k: e^(-m) * sum_{i<k} m^i / i!, with m = chi / 2, summed in
    // logarithms so a large m does not underflow the first term.
    double m = chi / 2.0;
    std::size_t k = degrees / 2;
    double logTerm = -m;
    double sum = std::exp(logTerm);
    for (std::size_t i = 1; i < k; ++i) {
        logTerm += std::log(m / static_cast<double>(i));
        sum += std::exp(logTerm);
    }
    return std::min(sum, 1.0);
}

BayesResult bayesClassify(const std::vector<BayesTokenCounts>& tokens, const BayesTotals& totals,
                          const BayesClassifierSettings& settings) {
    BayesResult result;
    if (totals.spam_messages < settings.min_learned || totals.ham_messages < settings.min_learned) {
        return result;
    }
    result.active = true;
    std::vector<double> telling;
    for (const auto& counts : tokens) {
        double p = bayesTokenProbability(counts, totals, settings);
        if (std::fabs(p - 0.5) >= settings.min_deviation) {
            telling.push_back(p);
        }
    }
    std::sort(telling.begin(), telling.end(),
              [](double a, double b) { return std::fabs(a - 0.5) > std::fabs(b - 0.5); });
    if (telling.size() > settings.max_tokens) {
        telling.resize(settings.max_tokens);
    }
    result.tokens_used = telling.size();
    if (telling.empty()) {
        return result;
    }
    double logSpammy = 0;  // sum of ln(p): near 0 when every p is near 1
    double logHammy = 0;   // sum of ln(1 - p)
    for (double p : telling) {
        p = std::clamp(p, 1e-6, 1 - 1e-6);
        logSpammy += std::log(p);
        logHammy += std::log(1 - p);
    }
    std::size_t degrees = 2 * telling.size();
    double spamEvidence = chiSquareSurvival(-2 * logSpammy, degrees);
    double hamEvidence = chiSquareSurvival(-2 * logHammy, degrees);
    result.probability = (1 + spamEvidence - hamEvidence) / 2;
    return result;
}

}  // namespace mailgate
