// BayesAutolearnCheck (C10, docs/bayes.md): the statistical filter learning from the mail
// passing through, as a content-stage post-filter. A message the other checks score at
// or above bayes.autolearn_spam_at_least is learned as spam, one below
// bayes.autolearn_ham_below as ham; the score it goes by leaves out the filter itself and
// the auto-whitelist (so the filter does not teach itself), and the lists and the rules.
// Never learned: whitelisted mail, mail a list or rule decided for any recipient, mail
// the filter itself disagrees with, a class that has run more than
// bayes.autolearn_max_ratio times ahead of the other, and `mailgatectl scan` without
// --learn. The learning is not waited for; a failure is logged. Off by default.
#pragma once

#include "gateway/checks/bayes/BayesStore.hpp"
#include "gateway/engine/CheckRegistry.hpp"
#include "gateway/engine/ContentCheck.hpp"

namespace mailgate {

// Which way a message would be autolearned, or why not (the reason, for tests and logs).
struct BayesAutolearnChoice {
    enum class Kind { None, Spam, Ham } kind = Kind::None;
    std::string reason;
};

// The decision, from the score without the excluded checks, what the filter said (its
// probability, when it classified the message) and the learned totals.
BayesAutolearnChoice bayesAutolearnChoice(const BayesSettings& settings, double score,
                                          std::optional<double> probability,
                                          const BayesTotals& totals);

class BayesAutolearnCheck final : public ContentCheck {
  public:
    BayesAutolearnCheck(const BayesSettings& settings, std::shared_ptr<RedisClient> redis)
        : settings_(settings), store_(std::move(redis), settings.token_expire_after_s) {}

    std::string_view name() const override { return "bayes_autolearn"; }
    void run(ContentTransaction& transaction) const override;

  private:
    BayesSettings settings_;
    BayesStore store_;
};

CheckDescriptor bayesAutolearnCheckDescriptor();

}  // namespace mailgate
