// BayesCheck (C10, docs/bayes.md): the statistical filter as a content-stage filter. The
// message's tokens and their counts are read in the message's one batch of store reads;
// once enough spam and ham have been learned, the message's spam probability becomes one
// graded symbol (BAYES_SPAM_99 .. BAYES_HAM_01, bayesSymbolFor). Silent before that, and
// for whitelisted mail; while too little is learned, only the totals are read. With Redis
// unreachable: BAYES_UNAVAILABLE (no score) and a store failure on the decision line; the mail is
// judged without it. Learning is not here (BayesLearning, mailgatectl learn).
#pragma once

#include <atomic>
#include <optional>

#include "gateway/checks/bayes/BayesClassifier.hpp"
#include "gateway/engine/CheckRegistry.hpp"
#include "gateway/engine/ContentCheck.hpp"

namespace mailgate {

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

// The symbol for a spam probability, with its default score; none between 0.3 and 0.7.
std::optional<Symbol> bayesSymbolFor(double probability);

CheckDescriptor bayesCheckDescriptor();

}  // namespace mailgate
