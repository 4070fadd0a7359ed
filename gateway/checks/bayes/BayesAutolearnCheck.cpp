// The statistical filter's autolearning (see BayesAutolearnCheck.hpp).
#include "gateway/checks/bayes/BayesAutolearnCheck.hpp"

#include <algorithm>

#include "gateway/checks/bayes/BayesCheck.hpp"
#include "gateway/checks/bayes/BayesLearning.hpp"
#include "gateway/engine/ContentTransaction.hpp"
#include "gateway/log/Logger.hpp"

namespace mailgate {

BayesAutolearnChoice bayesAutolearnChoice(const BayesSettings& settings, double score,
                                          std::optional<double> probability,
                                          const BayesTotals& totals) {
    using Kind = BayesAutolearnChoice::Kind;
    if (score < settings.autolearn_spam_at_least && score >= settings.autolearn_ham_below) {
        return {Kind::None, "score between the autolearn thresholds"};
    }
    bool spam = score >= settings.autolearn_spam_at_least;
    // The filter leaning the other way: the other checks may be wrong (a mailing list with
    // broken MIME); a person, not the autolearner, corrects the filter.
    if (probability && (spam ? *probability < 0.5 : *probability >= 0.5)) {
        return {Kind::None, spam ? "the filter says ham" : "the filter says spam"};
    }
    double mine = static_cast<double>(spam ? totals.spam_messages : totals.ham_messages);
    double other = static_cast<double>(spam ? totals.ham_messages : totals.spam_messages);
    double allowed =
        settings.autolearn_max_ratio * std::max(other, static_cast<double>(settings.min_learned));
    if (mine >= allowed) {
        return {Kind::None, spam ? "spam far ahead of ham" : "ham far ahead of spam"};
    }
    return {spam ? Kind::Spam : Kind::Ham, spam ? "spam" : "ham"};
}

void BayesAutolearnCheck::run(ContentTransaction& transaction) const {
    const auto& services = transaction.services();
    if (!transaction.learns() || !services.redis || transaction.filtersSkipped()) {
        return;
    }
    for (const auto& recipient : transaction.recipients()) {
        if (recipient.classification.kind != Classification::Kind::ByScore) {
            return;  // a list or rule decided: its verdict is not evidence about the words
        }
    }
    const auto& read = transaction.scratch<BayesReading>();
    if (!read.asked || !read.failure.empty()) {
        return;  // the totals are unknown, so is the balance: nothing is learned
    }
    double score = transaction.scoreWithout({"bayes", "awl", "lists", "rules", name()});
    auto choice = bayesAutolearnChoice(settings_, score, read.probability, read.global.totals);
    if (choice.kind == BayesAutolearnChoice::Kind::None) {
        return;
    }
    bool spam = choice.kind == BayesAutolearnChoice::Kind::Spam;
    BayesStore::Lesson lesson;
    if (!read.token_ids.empty()) {
        lesson.tokens = read.token_ids;
        lesson.digest = bayesMessageDigest(lesson.tokens);
    } else {
        lesson = bayesLessonOf(transaction.message(), settings_);
    }
    CheckOutcome outcome;
    outcome.addSymbol("BAYES_AUTOLEARN", 0.0, choice.reason);
    transaction.addOutcome(name(), std::move(outcome));
    services.counters->increment(spam ? "bayes_autolearned_spam" : "bayes_autolearned_ham");
    // Not waited for: the next message sees it, this one need not.
    store_.learnInBackground(std::move(lesson), spam,
                             [logger = services.logger, spam](Result<BayesLearnResult> result) {
                                 if (!result && logger != nullptr) {
                                     logger->warning(LogLine("bayes_autolearn_failed")
                                                         .add("as", spam ? "spam" : "ham")
                                                         .add("reason", result.error()));
                                 }
                             });
}

namespace {

std::vector<std::string> autolearnSymbols(const Config&) {
    return {"BAYES_AUTOLEARN"};
}

std::unique_ptr<ContentCheck> makeBayesAutolearnCheck(const Config& config,
                                                      const Services& services) {
    if (!config.bayes.enabled || !config.bayes.autolearn || !services.redis) {
        return nullptr;
    }
    return std::make_unique<BayesAutolearnCheck>(config.bayes, services.redis);
}

}  // namespace

CheckDescriptor bayesAutolearnCheckDescriptor() {
    CheckDescriptor descriptor;
    descriptor.name = "bayes_autolearn";
    descriptor.stage = CheckStage::Content;
    descriptor.phase = CheckPhase::PostFilter;
    descriptor.config_section = "bayes";
    descriptor.symbols = autolearnSymbols;
    descriptor.make_content_check = makeBayesAutolearnCheck;
    return descriptor;
}

}  // namespace mailgate
