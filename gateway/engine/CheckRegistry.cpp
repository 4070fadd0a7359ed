// What the engine asks of the check registry as a whole (see CheckRegistry.hpp); the
// list itself is gateway/checks/CheckRegistry.cpp.
#include "gateway/engine/CheckRegistry.hpp"

#include <algorithm>
#include <set>

#include "gateway/util/EditDistance.hpp"

namespace mailgate {

const CheckDescriptor* findCheck(std::string_view name) {
    for (const auto& descriptor : checkRegistry()) {
        if (descriptor.name == name) {
            return &descriptor;
        }
    }
    return nullptr;
}

SmtpFacts factsFromSymbols(const std::vector<Symbol>& symbols) {
    SmtpFacts facts;
    for (const auto& descriptor : checkRegistry()) {
        if (descriptor.read_facts != nullptr) {
            descriptor.read_facts(symbols, facts);
        }
    }
    return facts;
}

std::vector<std::string> knownSymbols(const Config& config) {
    std::set<std::string> known;
    for (const auto& descriptor : checkRegistry()) {
        for (auto& symbol : descriptor.symbols(config)) {
            known.insert(std::move(symbol));
        }
    }
    return {known.begin(), known.end()};
}

namespace {

void checkWeightNames(const Config& config, const std::vector<std::string>& weights,
                      const std::string& key, const std::vector<std::string>& known,
                      std::vector<ConfigProblem>& problems) {
    auto position = config.setting_positions.find(key);
    for (const auto& weight : weights) {
        std::string name = weight.substr(0, weight.find('='));
        if (std::binary_search(known.begin(), known.end(), name)) {
            continue;
        }
        std::string message = "\"" + name + "\" is not a symbol any check emits";
        const std::string* nearest = nullptr;
        std::size_t best = 4;
        for (const auto& candidate : known) {
            if (auto distance = editDistance(name, candidate); distance < best) {
                best = distance;
                nearest = &candidate;
            }
        }
        if (nearest != nullptr) {
            message += " (did you mean \"" + *nearest + "\"?)";
        }
        ConfigProblem problem;
        problem.file = config.source_file.string();
        if (position != config.setting_positions.end()) {
            problem.line = position->second.line;
            problem.column = position->second.column;
        }
        problem.key = key;
        problem.message = std::move(message);
        problems.push_back(std::move(problem));
    }
}

}  // namespace

std::vector<ConfigProblem> checkSymbolWeights(const Config& config) {
    std::vector<ConfigProblem> problems;
    if (config.scoring.symbol_weights.empty() &&
        config.scoring.symbol_weights_without_bayes.empty()) {
        return problems;
    }
    auto known = knownSymbols(config);
    checkWeightNames(config, config.scoring.symbol_weights, "scoring.symbol_weights", known,
                     problems);
    checkWeightNames(config, config.scoring.symbol_weights_without_bayes,
                     "scoring.symbol_weights_without_bayes", known, problems);
    return problems;
}

}  // namespace mailgate
