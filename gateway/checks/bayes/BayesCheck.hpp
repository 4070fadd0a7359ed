// BayesCheck (C10, docs/bayes.md): the statistical filter as a content-stage filter. The
// message's tokens and their counts are read in the message's one batch of store reads;
// once enough spam and ham have been learned, the message's spam probability becomes one
// graded symbol (BAYES_SPAM_99 .. BAYES_HAM_01, bayesSymbolFor). Silent before that, and
// for whitelisted mail; while too little is learned, only the totals are read. With
// bayes.per_recipient, each recipient's own store is read too, and a recipient whose store
// has learned enough is judged by it (a symbol for that recipient only). With Redis
// unreachable: BAYES_UNAVAILABLE (no score) and a store failure on the decision line; the mail is
// judged without it. Learning is not here (BayesLearning, mailgatectl learn).
#pragma once

#include <atomic>
#include <optional>
#include <string>
#include <vector>

#include "gateway/checks/bayes/BayesClassifier.hpp"
#include "gateway/engine/CheckRegistry.hpp"
#include "gateway/engine/ContentCheck.hpp"

namespace mailgate {

// One store's counts for a message: its totals and each of the message's tokens.
struct BayesStoreCounts {
    BayesTotals totals;
    std::vector<BayesTokenCounts> tokens;
};

// With bayes.per_recipient, the recipients of a message whose own stores are read (the
// others are judged by the global store).
inline constexpr std::size_t kBayesRecipientStores = 8;

// What the filter read and found for one message (the transaction's scratch), for the
// autolearning post-filter too.
struct BayesReading {
    bool asked = false;  // Redis was asked
    std::vector<std::uint64_t> token_ids;
    BayesStoreCounts global;
    std::vector<BayesStoreCounts> recipients;  // bayes.per_recipient: by recipient index
    std::string failure;                       // Redis could not be read
    std::optional<double> probability;         // the global store's, when it classified
};

class BayesCheck final : public ContentCheck {
  public:
    explicit BayesCheck(const Config& config);

    std::string_view name() const override { return "bayes"; }
    void prefetch(ContentTransaction& transaction, RedisBatch& batch) const override;
    void run(ContentTransaction& transaction) const override;

  private:
    BayesSettings settings_;
    BayesClassifierSettings classifier_;
    // Whether the last totals read showed enough learned: until they do, a message's
    // tokens are not read (an untrained filter costs one small read per message). Unknown
    // at first, so a fresh instance (a scan) reads them.
    enum class Learned { Unknown, TooLittle, Enough };
    mutable std::atomic<Learned> learned_{Learned::Unknown};
};

// The probability bands, from most spammy down, each a symbol with its default score.
// The scores are fitted on the training groups by `mailgate_bayes_cv --fit`
// (bench/BayesCrossValidation.cpp, docs/bayes.md): each band's log likelihood ratio,
// scaled so the band where ham false positives would pass 0.1% stays below the spam
// threshold. Every probability falls in exactly one band.
struct BayesBand {
    const char* name;
    double at_least;  // p >= at_least (and below the band above it)
    double score;
};
inline constexpr BayesBand kBayesBands[] = {
    {"BAYES_SPAM_99", 0.99, 5.0}, {"BAYES_SPAM_90", 0.90, 2.7}, {"BAYES_SPAM_70", 0.70, 1.3},
    {"BAYES_UNSURE", 0.10, 0.8},  {"BAYES_HAM_10", 0.01, -0.1}, {"BAYES_HAM_01", 0.0, -2.8}};

// The symbol for a spam probability, with its default score.
Symbol bayesSymbolFor(double probability);

CheckDescriptor bayesCheckDescriptor();

}  // namespace mailgate
