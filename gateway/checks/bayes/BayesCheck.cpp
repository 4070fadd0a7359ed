// The statistical filter in the content stage (see BayesCheck.hpp).
#include "gateway/checks/bayes/BayesCheck.hpp"

#include <cstdio>

#include "gateway/checks/bayes/BayesLearning.hpp"
#include "gateway/checks/bayes/BayesStore.hpp"
#include "gateway/engine/ContentTransaction.hpp"
#include "gateway/engine/RedisBatch.hpp"
#include "gateway/store/RedisClient.hpp"

namespace mailgate {
namespace {

std::string percent(double probability) {
    char text[16];
    std::snprintf(text, sizeof text, "p=%.4f", probability);
    return text;
}

}  // namespace

Symbol bayesSymbolFor(double probability) {
    for (const auto& band : kBayesBands) {
        if (probability >= band.at_least) {
            return Symbol{band.name, band.score, percent(probability)};
        }
    }
    const auto& lowest = kBayesBands[std::size(kBayesBands) - 1];
    return Symbol{lowest.name, lowest.score, percent(probability)};
}

BayesCheck::BayesCheck(const Config& config) : settings_(config.bayes) {
    classifier_.min_learned = static_cast<std::uint64_t>(settings_.min_learned);
}

void BayesCheck::prefetch(ContentTransaction& transaction, RedisBatch& batch) const {
    auto& read = transaction.scratch<BayesReading>();
    const auto& redis = transaction.services().redis;
    if (!redis) {
        return;  // a scan without Redis: the filter has nothing to say
    }
    read.asked = true;
    if (learned_.load(std::memory_order_relaxed) != Learned::TooLittle) {
        read.token_ids = bayesTokens(transaction.message(), bayesTokenizerLimits(settings_));
    }
    read.tokens.resize(read.token_ids.size());
    auto plan = BayesStore::readPlan(*redis, read.token_ids);
    batch.add(std::move(plan.commands.front()), [&transaction](Result<RedisReply> reply) {
        auto& stored = transaction.scratch<BayesReading>();
        auto totals = BayesStore::totalsFromReply(reply);
        if (totals) {
            stored.totals = *totals;
        } else {
            stored.failure = totals.error();
        }
    });
    for (std::size_t i = 1; i < plan.commands.size(); ++i) {
        batch.add(
            std::move(plan.commands[i]),
            [&transaction, positions = std::move(plan.positions[i - 1])](Result<RedisReply> reply) {
                auto& stored = transaction.scratch<BayesReading>();
                auto counted = BayesStore::countsFromReply(reply, positions, stored.tokens);
                if (!counted) {
                    stored.failure = counted.error();
                }
            });
    }
}

void BayesCheck::run(ContentTransaction& transaction) const {
    auto& read = transaction.scratch<BayesReading>();
    if (!read.asked || transaction.filtersSkipped()) {
        return;
    }
    CheckOutcome outcome;
    if (!read.failure.empty()) {
        auto times = transaction.services().counters->increment("bayes_unavailable");
        transaction.noteStoreFailure("bayes: " + read.failure + " (bayes_unavailable=" +
                                     std::to_string(times) + " since start)");
        outcome.symbols.push_back(Symbol{"BAYES_UNAVAILABLE", 0.0, read.failure});
        transaction.addOutcome(name(), std::move(outcome));
        return;
    }
    bool enough = read.totals.spam_messages >= classifier_.min_learned &&
                  read.totals.ham_messages >= classifier_.min_learned;
    learned_.store(enough ? Learned::Enough : Learned::TooLittle, std::memory_order_relaxed);
    auto result = bayesClassify(read.tokens, read.totals, classifier_);
    if (!result.active || read.tokens.empty()) {
        return;
    }
    read.probability = result.probability;
    outcome.symbols.push_back(bayesSymbolFor(result.probability));
    transaction.addOutcome(name(), std::move(outcome));
}

namespace {

std::vector<std::string> bayesSymbols(const Config&) {
    std::vector<std::string> names{"BAYES_UNAVAILABLE"};
    for (const auto& band : kBayesBands) {
        names.emplace_back(band.name);
    }
    return names;
}

std::unique_ptr<ContentCheck> makeBayesCheck(const Config& config, const Services&) {
    if (!config.bayes.enabled) {
        return nullptr;
    }
    return std::make_unique<BayesCheck>(config);
}

}  // namespace

CheckDescriptor bayesCheckDescriptor() {
    CheckDescriptor descriptor;
    descriptor.name = "bayes";
    descriptor.stage = CheckStage::Content;
    descriptor.phase = CheckPhase::Filter;
    descriptor.config_section = "bayes";
    descriptor.symbols = bayesSymbols;
    descriptor.make_content_check = makeBayesCheck;
    return descriptor;
}

}  // namespace mailgate
