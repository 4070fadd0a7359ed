// The statistical filter in the content stage (see BayesCheck.hpp).
#include "gateway/checks/bayes/BayesCheck.hpp"

#include <algorithm>
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

namespace {

// Adds the reads of one store (its totals and the message's tokens) to the batch; the
// answers land in the reading's global counts (recipient == npos) or a recipient's.
void addStoreReads(ContentTransaction& transaction, RedisBatch& batch, const RedisClient& redis,
                   std::string_view scope, std::size_t recipient) {
    constexpr auto kGlobal = std::string::npos;
    auto& read = transaction.scratch<BayesReading>();
    auto counts = [recipient](BayesReading& stored) -> BayesStoreCounts& {
        return recipient == kGlobal ? stored.global : stored.recipients[recipient];
    };
    counts(read).tokens.resize(read.token_ids.size());
    auto plan = BayesStore::readPlan(redis, read.token_ids, scope);
    batch.add(std::move(plan.commands.front()), [&transaction, counts](Result<RedisReply> reply) {
        auto& stored = transaction.scratch<BayesReading>();
        auto totals = BayesStore::totalsFromReply(reply);
        if (totals) {
            counts(stored).totals = *totals;
        } else {
            stored.failure = totals.error();
        }
    });
    for (std::size_t i = 1; i < plan.commands.size(); ++i) {
        batch.add(std::move(plan.commands[i]),
                  [&transaction, counts,
                   positions = std::move(plan.positions[i - 1])](Result<RedisReply> reply) {
                      auto& stored = transaction.scratch<BayesReading>();
                      auto counted =
                          BayesStore::countsFromReply(reply, positions, counts(stored).tokens);
                      if (!counted) {
                          stored.failure = counted.error();
                      }
                  });
    }
}

}  // namespace

void BayesCheck::prefetch(ContentTransaction& transaction, RedisBatch& batch) const {
    auto& read = transaction.scratch<BayesReading>();
    const auto& redis = transaction.services().redis;
    if (!redis) {
        return;  // a scan without Redis: the filter has nothing to say
    }
    read.asked = true;
    if (settings_.per_recipient || learned_.load(std::memory_order_relaxed) != Learned::TooLittle) {
        read.token_ids = bayesTokens(transaction.message(), bayesTokenizerLimits(settings_));
    }
    addStoreReads(transaction, batch, *redis, "", std::string::npos);
    if (!settings_.per_recipient) {
        return;
    }
    auto stores = std::min(transaction.recipientCount(), kBayesRecipientStores);
    read.recipients.resize(stores);
    for (std::size_t i = 0; i < stores; ++i) {
        addStoreReads(transaction, batch, *redis,
                      BayesStore::recipientScope(transaction.recipient(i)), i);
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
    const auto& global = read.global;
    bool enough = global.totals.spam_messages >= classifier_.min_learned &&
                  global.totals.ham_messages >= classifier_.min_learned;
    learned_.store(enough ? Learned::Enough : Learned::TooLittle, std::memory_order_relaxed);
    auto result = bayesClassify(global.tokens, global.totals, classifier_);
    bool globalSays = result.active && !global.tokens.empty();
    if (globalSays) {
        read.probability = result.probability;
    }
    if (!settings_.per_recipient) {
        if (globalSays) {
            outcome.symbols.push_back(bayesSymbolFor(result.probability));
            transaction.addOutcome(name(), std::move(outcome));
        }
        return;
    }
    // Each recipient by its own store once that has learned enough, else by the global
    // one; the symbol is the recipient's, so recipients may differ.
    for (std::size_t i = 0; i < transaction.recipientCount(); ++i) {
        if (i < read.recipients.size()) {
            const auto& own = read.recipients[i];
            auto personal = bayesClassify(own.tokens, own.totals, classifier_);
            if (personal.active && !own.tokens.empty()) {
                auto symbol = bayesSymbolFor(personal.probability);
                symbol.detail += " (own store)";
                transaction.addRecipientSymbol(i, name(), std::move(symbol));
                continue;
            }
        }
        if (globalSays) {
            transaction.addRecipientSymbol(i, name(), bayesSymbolFor(result.probability));
        }
    }
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
