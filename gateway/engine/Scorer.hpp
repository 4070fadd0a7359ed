// Scorer: the one place a verdict is computed (C7, C8, docs/features.md). It applies
// scoring.symbol_weights to the symbols, sums them, compares with the thresholds, picks
// the action (a check's own reject first, then reject_threshold, then spam_action for
// spam), and words the SpamAssassin-compatible headers (X-Spam-Flag, X-Spam-Score,
// X-Spam-Level, X-Spam-Status) and the Subject tag, which is only for mail coming in from
// outside. It runs no check and knows no MTA.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "gateway/config/Config.hpp"
#include "gateway/engine/Verdict.hpp"

namespace mailgate {

// What a list or rule decided before the score is looked at (C3, C4, C5, docs/features.md): ham
// (never spam, whatever the score) or spam (whatever the score), with the action a spam
// rule names instead of scoring.spam_action.
struct Classification {
    enum class Kind { ByScore, Ham, Spam };
    Kind kind = Kind::ByScore;
    std::optional<SpamAction> action;  // a spam rule's own action
    std::string by;                    // the list entry or rule, for the log
    std::string symbol;                // its symbol, named in X-Spam-Status tests= though 0
};

class Scorer {
  public:
    // Weights are validated by the loader; a malformed one is skipped here.
    explicit Scorer(const ScoringSettings& settings);

    // `checkReply` is a reject a check asked for (header syntax in reject mode).
    // `currentSubject` is the raw Subject value, or nothing when there is none.
    Verdict decide(std::vector<Symbol> symbols, const std::optional<SmtpReply>& checkReply,
                   const std::optional<std::string>& currentSubject, bool inbound,
                   const Classification& classification = {}) const;

    // The sum of the symbols' scores with scoring.symbol_weights applied (or, without a
    // Bayes opinion among them, symbol_weights_without_bayes first), as decide() sums.
    double weightedTotal(const std::vector<Symbol>& symbols) const;
    // A recipient's reject verdict turned into the copy it gets instead, when others take
    // the message (ActionPlan): accepted, with the spam headers and Subject tag.
    Verdict deliveredTagged(Verdict verdict, const std::optional<std::string>& currentSubject,
                            bool inbound) const;

  private:
    void addHeaders(Verdict& verdict, const std::string& classifiedBy) const;
    void tagSubject(Verdict& verdict, const std::optional<std::string>& currentSubject,
                    bool inbound) const;

    // The weight of a symbol among `symbols` (symbol_weights_without_bayes first when
    // `withoutBayes`), or nothing: then its own score counts.
    const double* weightOf(const std::string& name, bool withoutBayes) const;

    ScoringSettings settings_;
    std::map<std::string, double> weights_;
    std::map<std::string, double> weights_without_bayes_;
};

// Whether the statistical filter gave an opinion on the message: a BAYES_SPAM_*,
// BAYES_HAM_* or BAYES_UNSURE symbol is among `symbols`.
bool hasBayesOpinion(const std::vector<Symbol>& symbols);

// "7.3": one decimal, as SpamAssassin writes scores.
std::string formatSpamScore(double score);

}  // namespace mailgate
