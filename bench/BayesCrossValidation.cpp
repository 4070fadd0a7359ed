// mailgate_bayes_cv: k-fold cross-validation of the statistical filter's tokenizer and
// arithmetic (gateway/checks/bayes/) on labelled message files, in memory: for each fold,
// count the tokens of the other folds' messages, classify the fold's messages, and report
// spam recall and ham false positives at a few probability thresholds, and the ROC AUC.
// It is how the tokenizer's options and the thresholds are chosen: give it the TRAINING
// groups only (the SpamAssassin corpus's -1 groups; never the -2 evaluation groups).
// It neither reads nor writes Redis; the store and learning are measured elsewhere.
//
// --holdout-last F validates on time instead: from each folder, the last F of its messages
// (in list order; the corpus numbers them in the order they arrived) are classified after
// learning the earlier ones, which is how a filter meets mail newer than what it learned.
// --fit prints, per probability band, the validation messages in it and the band's score
// fitted from them (see fitBands below).
//
// --out-of-fold FILE writes "spam|ham PROBABILITY PATH" for each message classified, the
// probability from a filter that did not learn it (for the weight fitter).
//
//   mailgate_bayes_cv --list FILE [--folds 5 | --holdout-last F] [--pairs] [--window N]
//                     [--header-words 0|1|2] [--max-tokens N] [--min-deviation X]
//                     [--strength X] [--fit] [--out-of-fold FILE]
//   FILE: one "spam PATH" or "ham PATH" per line.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

#include "gateway/checks/bayes/BayesCheck.hpp"
#include "gateway/checks/bayes/BayesClassifier.hpp"
#include "gateway/checks/bayes/BayesTokenizer.hpp"
#include "gateway/mime/MimeParser.hpp"

namespace {

using namespace mailgate;

struct Labelled {
    std::string path;
    bool spam = false;
    bool held_out = false;  // --holdout-last: classified, never learned
    std::vector<std::uint64_t> tokens;
};

struct Options {
    std::string list;
    std::size_t folds = 5;
    double holdout_last = 0;  // 0: k-fold
    bool fit = false;
    std::string out_of_fold;  // where to write each message's validation probability
    BayesTokenizerLimits limits;
    BayesClassifierSettings settings;
};

[[noreturn]] void usage(const std::string& problem) {
    std::cerr << "mailgate_bayes_cv: " << problem
              << "\nusage: mailgate_bayes_cv --list FILE [--folds N | --holdout-last F] [--pairs]"
                 " [--window N] [--header-words 0|1|2] [--max-tokens N] [--min-deviation X]"
                 " [--strength X] [--fit] [--out-of-fold FILE]\n";
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
        } else if (name == "--holdout-last") {
            options.holdout_last = std::stod(value());
        } else if (name == "--header-words") {
            options.limits.header_words = std::stoi(value());
        } else if (name == "--fit") {
            options.fit = true;
        } else if (name == "--out-of-fold") {
            options.out_of_fold = value();
        } else if (name == "--pairs") {
            options.limits.word_pairs = true;
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
    if (options.list.empty() || options.folds < 2 || options.holdout_last < 0 ||
        options.holdout_last >= 1) {
        usage("--list is required, --folds must be at least 2 and --holdout-last below 1");
    }
    return options;
}

std::vector<Labelled> readCorpus(const Options& options) {
    std::ifstream list(options.list);
    if (!list) {
        usage("cannot read " + options.list);
    }
    std::vector<Labelled> corpus;
    std::vector<std::string> folders;
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
        item.path = path;
        item.spam = label == "spam";
        item.tokens = bayesTokens(parser.parse(raw, {}), options.limits);
        corpus.push_back(std::move(item));
        folders.push_back(path.substr(0, path.rfind('/')));
    }
    if (options.holdout_last > 0) {
        std::unordered_map<std::string, std::size_t> perFolder;
        for (const auto& folder : folders) {
            perFolder[folder] += 1;
        }
        std::unordered_map<std::string, std::size_t> seen;
        for (std::size_t i = 0; i < corpus.size(); ++i) {
            auto total = static_cast<double>(perFolder[folders[i]]);
            auto position = static_cast<double>(seen[folders[i]]++);
            corpus[i].held_out = position >= total * (1 - options.holdout_last);
        }
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

// Learns every message `learned` accepts and classifies every one `classified` accepts.
template <typename Learned, typename Classified>
void learnAndClassify(const std::vector<Labelled>& corpus, const Options& options, Learned learned,
                      Classified classified, std::vector<std::pair<double, bool>>& scored,
                      std::vector<double>& probabilities) {
    std::unordered_map<std::uint64_t, BayesTokenCounts> counts;
    BayesTotals totals;
    for (std::size_t i = 0; i < corpus.size(); ++i) {
        if (!learned(i)) {
            continue;
        }
        (corpus[i].spam ? totals.spam_messages : totals.ham_messages) += 1;
        for (auto token : corpus[i].tokens) {
            auto& entry = counts[token];
            (corpus[i].spam ? entry.spam : entry.ham) += 1;
        }
    }
    for (std::size_t i = 0; i < corpus.size(); ++i) {
        if (!classified(i)) {
            continue;
        }
        std::vector<BayesTokenCounts> seen;
        for (auto token : corpus[i].tokens) {
            auto found = counts.find(token);
            seen.push_back(found == counts.end() ? BayesTokenCounts{} : found->second);
        }
        probabilities[i] = bayesClassify(seen, totals, options.settings).probability;
        scored.emplace_back(probabilities[i], corpus[i].spam);
    }
}

// One of BayesCheck's bands with the validation messages that fell in it.
struct FittedBand {
    const char* name;
    double low;   // p >= low
    double high;  // p < high
    double default_score;
    std::size_t spam = 0;
    std::size_t ham = 0;
    double score = 0;
};

// Each band's score is its log likelihood ratio, ln(P(band | spam) / P(band | ham)) with
// half a message added to each count, scaled so that the lowest band whose messages,
// with those of every band above it, include at most `maxHamShare` of the ham scores
// exactly the spam threshold (5.0), every band above it at least that and every band
// below it less. Bands are scored on their own: this is the filter's weight before the
// weight fitter of the heuristics refits it together with the other checks.
std::vector<FittedBand> fitBands(const std::vector<std::pair<double, bool>>& scored,
                                 double maxHamShare) {
    std::vector<FittedBand> bands;
    double high = 1.01;
    for (const auto& band : kBayesBands) {
        bands.push_back({band.name, band.at_least, high, band.score});
        high = band.at_least;
    }
    bands.back().low = -1;
    std::size_t spamTotal = 0;
    std::size_t hamTotal = 0;
    for (const auto& [probability, isSpam] : scored) {
        (isSpam ? spamTotal : hamTotal) += 1;
        for (auto& band : bands) {
            if (probability >= band.low && probability < band.high) {
                (isSpam ? band.spam : band.ham) += 1;
            }
        }
    }
    std::vector<double> ratio;
    for (const auto& band : bands) {
        double spamShare =
            (static_cast<double>(band.spam) + 0.5) / static_cast<double>(spamTotal + 1);
        double hamShare = (static_cast<double>(band.ham) + 0.5) / static_cast<double>(hamTotal + 1);
        ratio.push_back(std::log(spamShare / hamShare));
    }
    std::size_t cut = 0;
    std::size_t hamAbove = 0;
    for (std::size_t b = 0; b < bands.size(); ++b) {
        hamAbove += bands[b].ham;
        if (static_cast<double>(hamAbove) > maxHamShare * static_cast<double>(hamTotal) ||
            ratio[b] <= 0) {
            break;
        }
        cut = b;
    }
    double scale = ratio[cut] > 0 ? 5.0 / ratio[cut] : 0;
    for (std::size_t b = 0; b < bands.size(); ++b) {
        double score = std::round(ratio[b] * scale * 10) / 10;
        bands[b].score = b <= cut ? std::max(score, 5.0) : std::min(score, 4.9);
    }
    return bands;
}

}  // namespace

int main(int argc, char** argv) {
    Options options = parseOptions(argc, argv);
    auto corpus = readCorpus(options);
    std::vector<std::pair<double, bool>> scored;
    std::vector<double> probabilities(corpus.size(), -1.0);
    if (options.holdout_last > 0) {
        learnAndClassify(
            corpus, options, [&](std::size_t i) { return !corpus[i].held_out; },
            [&](std::size_t i) { return corpus[i].held_out; }, scored, probabilities);
    } else {
        for (std::size_t fold = 0; fold < options.folds; ++fold) {
            learnAndClassify(
                corpus, options, [&](std::size_t i) { return i % options.folds != fold; },
                [&](std::size_t i) { return i % options.folds == fold; }, scored, probabilities);
        }
    }
    if (!options.out_of_fold.empty()) {
        std::ofstream out(options.out_of_fold);
        for (std::size_t i = 0; i < corpus.size(); ++i) {
            if (probabilities[i] >= 0) {
                out << (corpus[i].spam ? "spam " : "ham ") << probabilities[i] << " "
                    << corpus[i].path << "\n";
            }
        }
        if (!out) {
            usage("cannot write " + options.out_of_fold);
        }
    }
    std::size_t spam = 0;
    std::size_t ham = 0;
    for (const auto& [probability, isSpam] : scored) {
        (isSpam ? spam : ham) += 1;
    }
    std::printf(
        "{\"messages\": %zu, \"spam\": %zu, \"ham\": %zu, \"validation\": \"%s\", \"pairs\": %s, "
        "\"header_words\": %d, \"auc\": %.4f, \"thresholds\": [",
        scored.size(), spam, ham, options.holdout_last > 0 ? "holdout-last" : "k-fold",
        options.limits.word_pairs ? "true" : "false", options.limits.header_words, rocArea(scored));
    const double thresholds[] = {0.5, 0.7, 0.8, 0.9, 0.95, 0.99, 0.999};
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
    std::printf("]");
    if (options.fit) {
        std::printf(", \"bands\": [");
        auto bands = fitBands(scored, 0.001);
        for (std::size_t b = 0; b < bands.size(); ++b) {
            std::printf(
                "%s{\"name\": \"%s\", \"spam\": %zu, \"ham\": %zu, \"fitted\": %.1f, "
                "\"default\": %.1f}",
                b == 0 ? "" : ", ", bands[b].name, bands[b].spam, bands[b].ham, bands[b].score,
                bands[b].default_score);
        }
        std::printf("]");
    }
    std::printf("}\n");
    return 0;
}
