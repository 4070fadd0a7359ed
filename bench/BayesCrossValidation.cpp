// mailgate_bayes_cv: k-fold cross-validation of the statistical filter's tokenizer and
// arithmetic (gateway/checks/bayes/) on labelled message files, in memory: for each fold,
// count the tokens of the other folds' messages, classify the fold's messages, and report
// spam recall and ham false positives at a few probability thresholds, and the ROC AUC.
// It is how the tokenizer's options and the thresholds are chosen: give it the TRAINING
// groups only (the SpamAssassin corpus's -1 groups; never the -2 evaluation groups).
// It neither reads nor writes Redis; the store and learning are measured elsewhere.
//
//   mailgate_bayes_cv --list FILE [--folds 5] [--no-pairs] [--window N] [--max-tokens N]
//                     [--min-deviation X] [--strength X]
//   FILE: one "spam PATH" or "ham PATH" per line.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

#include "gateway/checks/bayes/BayesClassifier.hpp"
#include "gateway/checks/bayes/BayesTokenizer.hpp"
#include "gateway/mime/MimeParser.hpp"

namespace {

using namespace mailgate;

struct Labelled {
    bool spam = false;
    std::vector<std::uint64_t> tokens;
};

struct Options {
    std::string list;
    std::size_t folds = 5;
    BayesTokenizerLimits limits;
    BayesClassifierSettings settings;
};

[[noreturn]] void usage(const std::string& problem) {
    std::cerr << "mailgate_bayes_cv: " << problem
              << "\nusage: mailgate_bayes_cv --list FILE [--folds N] [--no-pairs] [--window N]"
                 " [--max-tokens N] [--min-deviation X] [--strength X]\n";
    std::exit(2);
}

Options parseOptions(int argc, char** argv) {
    Options options;
    options.settings.min_learned = 1;
    for (int i = 1; i < argc; ++i) {
        std::string name = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) {
                usage(name + " needs a value");
            }
            return argv[++i];
        };
        if (name == "--list") {
            options.list = value();
        } else if (name == "--folds") {
            options.folds = std::stoul(value());
        } else if (name == "--no-pairs") {
            options.limits.word_pairs = false;
        } else if (name == "--window") {
            options.limits.pair_window = std::stoul(value());
        } else if (name == "--max-tokens") {
            options.settings.max_tokens = std::stoul(value());
        } else if (name == "--min-deviation") {
            options.settings.min_deviation = std::stod(value());
        } else if (name == "--strength") {
            options.settings.prior_strength = std::stod(value());
        } else {
            usage("unknown option " + name);
        }
    }
    if (options.list.empty() || options.folds < 2) {
        usage("--list is required and --folds must be at least 2");
    }
    return options;
}

std::vector<Labelled> readCorpus(const Options& options) {
    std::ifstream list(options.list);
    if (!list) {
        usage("cannot read " + options.list);
    }
    std::vector<Labelled> corpus;
    MimeParser parser{MimeLimits{}};
    std::string line;
    while (std::getline(list, line)) {
        std::istringstream fields(line);
        std::string label;
        std::string path;
        fields >> label >> path;
        if (label.empty()) {
            continue;
        }
        std::ifstream file(path, std::ios::binary);
        std::string raw((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
        Labelled item;
        item.spam = label == "spam";
        item.tokens = bayesTokens(parser.parse(raw, {}), options.limits);
        corpus.push_back(std::move(item));
    }
    return corpus;
}

// The area under the ROC curve: the chance that a random spam scores above a random ham.
double rocArea(std::vector<std::pair<double, bool>> scored) {
    std::sort(scored.begin(), scored.end());
    double hamBelow = 0;
    double area = 0;
    double spamCount = 0;
    double hamCount = 0;
    for (std::size_t i = 0; i < scored.size();) {
        std::size_t j = i;
        double spamHere = 0;
        double hamHere = 0;
        while (j < scored.size() && scored[j].first == scored[i].first) {
            (scored[j].second ? spamHere : hamHere) += 1;
            ++j;
        }
        area += spamHere * (hamBelow + hamHere / 2);
        hamBelow += hamHere;
        spamCount += spamHere;
        hamCount += hamHere;
        i = j;
    }
    return spamCount == 0 || hamCount == 0 ? 0 : area / (spamCount * hamCount);
}

}  // namespace

int main(int argc, char** argv) {
    Options options = parseOptions(argc, argv);
    auto corpus = readCorpus(options);
    std::vector<std::pair<double, bool>> scored;
    for (std::size_t fold = 0; fold < options.folds; ++fold) {
        std::unordered_map<std::uint64_t, BayesTokenCounts> counts;
        BayesTotals totals;
        for (std::size_t i = 0; i < corpus.size(); ++i) {
            if (i % options.folds == fold) {
                continue;
            }
            (corpus[i].spam ? totals.spam_messages : totals.ham_messages) += 1;
            for (auto token : corpus[i].tokens) {
                auto& entry = counts[token];
                (corpus[i].spam ? entry.spam : entry.ham) += 1;
            }
        }
        for (std::size_t i = fold; i < corpus.size(); i += options.folds) {
            std::vector<BayesTokenCounts> seen;
            for (auto token : corpus[i].tokens) {
                auto found = counts.find(token);
                seen.push_back(found == counts.end() ? BayesTokenCounts{} : found->second);
            }
            scored.emplace_back(bayesClassify(seen, totals, options.settings).probability,
                                corpus[i].spam);
        }
    }
    std::size_t spam = 0;
    std::size_t ham = 0;
    for (const auto& [probability, isSpam] : scored) {
        (isSpam ? spam : ham) += 1;
    }
    std::printf(
        "{\"messages\": %zu, \"spam\": %zu, \"ham\": %zu, \"folds\": %zu, \"pairs\": %s, "
        "\"window\": %zu, \"auc\": %.4f, \"thresholds\": [",
        scored.size(), spam, ham, options.folds, options.limits.word_pairs ? "true" : "false",
        options.limits.pair_window, rocArea(scored));
    const double thresholds[] = {0.5, 0.8, 0.9, 0.95, 0.99, 0.999};
    for (std::size_t t = 0; t < std::size(thresholds); ++t) {
        std::size_t caught = 0;
        std::size_t falsePositives = 0;
        for (const auto& [probability, isSpam] : scored) {
            if (probability >= thresholds[t]) {
                (isSpam ? caught : falsePositives) += 1;
            }
        }
        std::printf(
            "%s{\"at\": %.3f, \"recall\": %.4f, \"ham_false_positives\": %.4f}", t == 0 ? "" : ", ",
            thresholds[t],
            spam == 0 ? 0.0 : static_cast<double>(caught) / static_cast<double>(spam),
            ham == 0 ? 0.0 : static_cast<double>(falsePositives) / static_cast<double>(ham));
    }
    std::printf("]}\n");
    return 0;
}
