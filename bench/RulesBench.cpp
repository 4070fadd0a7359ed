// mailgate_rules_bench: throughput of the rule engine (gateway/checks/rules/RuleSet, C3,
// docs/features.md) on a corpus of message files, against the same rules evaluated naively, one RE2
// scan per condition (bench/RulesNaiveEvaluation.hpp), in the same run. Every message is parsed
// once before any clock starts (the MIME parse is not measured); then, in interleaved
// rounds, each side compiles the rules (timed apart) and evaluates every message twice:
// just compiled (RE2 builds its DFA states lazily), then again with the same compiled
// rules, as a daemon does between reloads. The engine builds a RuleEvaluation and asks
// matchesFor("") as the content stage does. Both sides must agree on every rule of every
// message: disagreements are counted and shown. One thread. Prints one JSON line. Run by
// bench/rules_evaluation.py; a benchmark, it asserts nothing.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <unordered_map>

#include "MilterProtocolCorpus.hpp"
#include "RulesNaiveEvaluation.hpp"
#include "gateway/checks/rules/RuleSet.hpp"
#include "gateway/mime/MimeParser.hpp"

namespace mailgate::bench {
namespace {

using Clock = std::chrono::steady_clock;

const char* const kUsage =
    "usage: mailgate_rules_bench --rules DIR (--corpus DIR | --list FILE)... [--suffix .eml]\n"
    "       [--messages N] [--rounds N] [--allow-sanitizer-build]\n";

struct RulesBenchOptions {
    std::string rulesDirectory;
    std::vector<std::string> directories;
    std::vector<std::string> lists;
    std::string suffix = ".eml";
    std::size_t messages = 0;  // 0: all of the corpus
    int rounds = 3;
    bool allowSanitizerBuild = false;
};

bool sanitizerBuild() {
#if defined(__SANITIZE_ADDRESS__)
    return true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
    return true;
#else
    return false;
#endif
#else
    return false;
#endif
}

std::optional<RulesBenchOptions> parseOptions(int argc, char** argv) {
    RulesBenchOptions options;
    for (int i = 1; i < argc; ++i) {
        std::string_view name = argv[i];
        if (name == "--allow-sanitizer-build") {
            options.allowSanitizerBuild = true;
            continue;
        }
        if (i + 1 >= argc) {
            return std::nullopt;
        }
        std::string value = argv[++i];
        if (name == "--rules") {
            options.rulesDirectory = value;
        } else if (name == "--corpus") {
            options.directories.push_back(value);
        } else if (name == "--list") {
            options.lists.push_back(value);
        } else if (name == "--suffix") {
            options.suffix = value;
        } else if (name == "--messages" || name == "--rounds") {
            char* end = nullptr;
            long number = std::strtol(value.c_str(), &end, 10);
            if (*end != '\0' || number < (name == "--rounds" ? 1 : 0)) {
                return std::nullopt;
            }
            if (name == "--rounds") {
                options.rounds = static_cast<int>(number);
            } else {
                options.messages = static_cast<std::size_t>(number);
            }
        } else {
            return std::nullopt;
        }
    }
    if (options.rulesDirectory.empty() || (options.directories.empty() && options.lists.empty())) {
        return std::nullopt;
    }
    return options;
}

// ----- the corpus -----

struct CorpusTotals {
    std::uint64_t messageBytes = 0;
    std::uint64_t textBytes = 0;  // of the text parts, which body conditions scan
    double parseSeconds = 0;
};

// The envelope sender of a corpus file: its mbox "From " line, else its Return-Path.
std::string envelopeSenderOf(std::string_view firstLine, const Message& message) {
    std::string sender;
    if (firstLine.starts_with("From ")) {
        std::string_view rest = firstLine.substr(5);
        sender = std::string(rest.substr(0, rest.find_first_of(" \t")));
    } else if (const auto* returnPath = message.firstHeader("Return-Path")) {
        sender = returnPath->value;
    }
    sender.erase(std::remove_if(sender.begin(), sender.end(),
                                [](char c) { return c == '<' || c == '>' || c == ' '; }),
                 sender.end());
    return sender == "MAILER-DAEMON" ? "" : sender;
}

std::vector<Message> parseCorpus(const RulesBenchOptions& options, std::vector<std::string>& paths,
                                 CorpusTotals& totals) {
    MimeParser parser{MimeLimits{}};  // the defaults of the content stage
    std::vector<Message> messages;
    auto started = Clock::now();
    for (const auto& path : corpusPaths(options.directories, options.lists, options.suffix)) {
        if (options.messages > 0 && messages.size() >= options.messages) {
            break;
        }
        std::ifstream input(path, std::ios::binary);
        std::string raw(std::istreambuf_iterator<char>(input), {});
        if (!input.is_open() || raw.empty()) {
            std::cerr << "mailgate_rules_bench: cannot read " << path << "\n";
            continue;
        }
        std::string_view text = raw;
        std::string_view firstLine = text.substr(0, text.find('\n'));
        if (firstLine.starts_with("From ")) {
            text.remove_prefix(std::min(text.size(), firstLine.size() + 1));
        }
        Message message = parser.parse(text, MessageEnvelope{});
        message.envelope.sender = envelopeSenderOf(firstLine, message);
        totals.messageBytes += text.size();
        for (const auto& part : message.parts) {
            totals.textBytes += part.content_type.starts_with("text/") ? part.text.size() : 0;
        }
        messages.push_back(std::move(message));
        paths.push_back(path.string());
    }
    totals.parseSeconds = std::chrono::duration<double>(Clock::now() - started).count();
    return messages;
}

// ----- the measurement -----

struct SideRound {
    double compileSeconds = 0;
    double firstPassSeconds = 0;   // just compiled: RE2 builds its DFA states as it goes
    double secondPassSeconds = 0;  // the same compiled rules again, as in a running daemon
    std::uint64_t matches = 0;
    std::uint64_t secondPassMatches = 0;
};

struct BenchRound {
    SideRound engine;
    SideRound naive;
};

double secondsSince(Clock::time_point started) {
    return std::chrono::duration<double>(Clock::now() - started).count();
}

// One side: compile the rules, then evaluate every message twice with them; `matched`
// keeps the first pass's matches of each message.
template <class Rules, class Evaluate, class Matches>
SideRound measureSide(const std::vector<RuleFile>& files, const std::vector<Message>& messages,
                      Evaluate evaluate, std::vector<Matches>* matched) {
    SideRound round;
    auto started = Clock::now();
    const Rules rules(files);
    round.compileSeconds = secondsSince(started);
    for (int pass = 0; pass < 2; ++pass) {
        std::uint64_t count = 0;
        started = Clock::now();
        for (std::size_t i = 0; i < messages.size(); ++i) {
            auto matches = evaluate(rules, messages[i]);
            count += matches.size();
            if (matched != nullptr && pass == 0) {
                (*matched)[i] = std::move(matches);
            }
        }
        (pass == 0 ? round.firstPassSeconds : round.secondPassSeconds) = secondsSince(started);
        (pass == 0 ? round.matches : round.secondPassMatches) = count;
    }
    return round;
}

// The engine as the content stage runs it: one RuleEvaluation per message.
SideRound measureEngine(const std::vector<RuleFile>& files, const std::vector<Message>& messages,
                        std::vector<std::vector<RuleMatch>>* matched) {
    auto evaluate = [](const RuleSet& rules, const Message& message) {
        RuleEvaluation evaluation(rules, message);
        return evaluation.matchesFor("");
    };
    return measureSide<RuleSet>(files, messages, evaluate, matched);
}

SideRound measureNaive(const std::vector<RuleFile>& files, const std::vector<Message>& messages,
                       std::vector<std::vector<std::size_t>>* matched) {
    auto evaluate = [](const NaiveRules& rules, const Message& message) {
        return rules.matches(message);
    };
    return measureSide<NaiveRules>(files, messages, evaluate, matched);
}

struct Disagreement {
    std::string rule;
    std::string message;
    bool engine = false;  // whether the engine found the rule matching
};

// What the two sides found: (message, rule) pairs they judge differently, and how often
// each rule matched (by the engine).
struct MatchSummary {
    std::uint64_t disagreements = 0;
    std::vector<Disagreement> examples;  // the first 20
    std::uint64_t messagesMatched = 0;   // messages with at least one match
    std::vector<std::uint64_t> messagesByRule;
};

MatchSummary compareMatches(const NaiveRules& naive, const std::vector<std::string>& paths,
                            const std::vector<std::vector<RuleMatch>>& engineMatches,
                            const std::vector<std::vector<std::size_t>>& naiveMatches) {
    std::unordered_map<std::string, std::size_t> indexOf;
    for (std::size_t i = 0; i < naive.rules().size(); ++i) {
        indexOf.emplace(naive.rules()[i].name, i);
    }
    MatchSummary summary;
    summary.messagesByRule.assign(naive.rules().size(), 0);
    for (std::size_t message = 0; message < paths.size(); ++message) {
        std::vector<std::size_t> engine;
        for (const auto& match : engineMatches[message]) {
            engine.push_back(indexOf.at(match.rule));
            ++summary.messagesByRule[engine.back()];
        }
        summary.messagesMatched += engine.empty() ? 0 : 1;
        std::sort(engine.begin(), engine.end());
        std::vector<std::size_t> different;
        std::set_symmetric_difference(engine.begin(), engine.end(), naiveMatches[message].begin(),
                                      naiveMatches[message].end(), std::back_inserter(different));
        summary.disagreements += different.size();
        for (std::size_t rule : different) {
            if (summary.examples.size() < 20) {
                summary.examples.push_back(
                    {naive.rules()[rule].name, paths[message],
                     std::binary_search(engine.begin(), engine.end(), rule)});
            }
        }
    }
    return summary;
}

// ----- the report -----

std::string jsonText(std::string_view text) {
    std::string out = "\"";
    for (char c : text) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (static_cast<unsigned char>(c) < 0x20) {
            char escaped[8];
            std::snprintf(escaped, sizeof escaped, "\\u%04x", c);
            out += escaped;
        } else {
            out += c;
        }
    }
    return out + "\"";
}

double median(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    std::size_t middle = values.size() / 2;
    return values.size() % 2 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
}

std::string numbersJson(const std::vector<double>& values) {
    std::ostringstream out;
    out << "[";
    for (std::size_t i = 0; i < values.size(); ++i) {
        out << (i ? "," : "") << values[i];
    }
    return out.str() + "]";
}

std::string sideJson(const std::vector<BenchRound>& rounds, SideRound BenchRound::*side,
                     std::size_t messages) {
    std::vector<double> first, second, compiles;
    for (const auto& bench : rounds) {
        const SideRound& round = bench.*side;
        first.push_back(static_cast<double>(messages) / round.firstPassSeconds);
        second.push_back(static_cast<double>(messages) / round.secondPassSeconds);
        compiles.push_back(round.compileSeconds);
    }
    std::ostringstream out;
    out << "{\"messages_per_second\":" << median(first)
        << ",\"rounds_messages_per_second\":" << numbersJson(first)
        << ",\"second_pass_messages_per_second\":" << median(second)
        << ",\"rounds_second_pass_messages_per_second\":" << numbersJson(second)
        << ",\"compile_seconds\":" << median(compiles)
        << ",\"rounds_compile_seconds\":" << numbersJson(compiles)
        << ",\"matches\":" << (rounds.front().*side).matches
        << ",\"second_pass_matches\":" << (rounds.front().*side).secondPassMatches << "}";
    return out.str();
}

// The rules that matched, with the ten that matched the most messages.
std::string ruleCountsJson(const NaiveRules& naive, const MatchSummary& summary) {
    std::vector<std::size_t> order(summary.messagesByRule.size());
    for (std::size_t i = 0; i < order.size(); ++i) {
        order[i] = i;
    }
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return summary.messagesByRule[a] > summary.messagesByRule[b];
    });
    std::ostringstream out;
    out << "\"rules_matched\":"
        << std::count_if(summary.messagesByRule.begin(), summary.messagesByRule.end(),
                         [](std::uint64_t count) { return count > 0; })
        << ",\"most_matching_rules\":[";
    for (std::size_t i = 0; i < std::min<std::size_t>(10, order.size()); ++i) {
        out << (i ? "," : "") << "[" << jsonText(naive.rules()[order[i]].name) << ","
            << summary.messagesByRule[order[i]] << "]";
    }
    out << "]";
    return out.str();
}

void printReport(const RulesBenchOptions& options, const NaiveRules& naive, std::size_t conditions,
                 const CorpusTotals& totals, std::size_t messages,
                 const std::vector<BenchRound>& rounds, const MatchSummary& summary) {
    std::vector<double> ratios, secondPassRatios;
    for (const auto& round : rounds) {
        ratios.push_back(round.naive.firstPassSeconds / round.engine.firstPassSeconds);
        secondPassRatios.push_back(round.naive.secondPassSeconds / round.engine.secondPassSeconds);
    }
    std::ostringstream out;
    out << "{\"rules\":" << naive.size() << ",\"conditions\":" << conditions
        << ",\"patterns\":" << naive.patterns() << ",\"messages\":" << messages
        << ",\"message_bytes\":" << totals.messageBytes << ",\"text_bytes\":" << totals.textBytes
        << ",\"parse_seconds\":" << totals.parseSeconds << ",\"rounds\":" << options.rounds
        << ",\"engine\":" << sideJson(rounds, &BenchRound::engine, messages)
        << ",\"naive\":" << sideJson(rounds, &BenchRound::naive, messages)
        << ",\"ratio\":" << median(ratios) << ",\"second_pass_ratio\":" << median(secondPassRatios)
        << ",\"messages_matched\":" << summary.messagesMatched << ","
        << ruleCountsJson(naive, summary) << ",\"disagreements\":" << summary.disagreements
        << ",\"disagreement_examples\":[";
    for (std::size_t i = 0; i < summary.examples.size(); ++i) {
        const auto& example = summary.examples[i];
        out << (i ? "," : "") << "{\"rule\":" << jsonText(example.rule)
            << ",\"message\":" << jsonText(example.message)
            << ",\"engine_matches\":" << (example.engine ? "true" : "false") << "}";
    }
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    out << "],\"max_resident_kilobytes\":" << usage.ru_maxrss << "}";
    std::cout << out.str() << std::endl;
}

int run(const RulesBenchOptions& options) {
    std::vector<ConfigProblem> problems;
    auto files = loadRuleFiles(options.rulesDirectory, true, problems);
    for (const auto& problem : problems) {
        std::cerr << problem.file << ":" << problem.line << ": " << problem.key << ": "
                  << problem.message << "\n";
    }
    if (!problems.empty()) {
        return 2;
    }
    std::size_t conditions = 0;
    for (const auto& file : files) {
        for (const auto& rule : file.rules) {
            conditions += rule.conditions.size();
        }
    }
    std::vector<std::string> paths;
    CorpusTotals totals;
    auto messages = parseCorpus(options, paths, totals);
    if (messages.empty()) {
        std::cerr << "mailgate_rules_bench: no message in the corpus\n";
        return 2;
    }
    std::vector<std::vector<RuleMatch>> engineMatches(messages.size());
    std::vector<std::vector<std::size_t>> naiveMatches(messages.size());
    std::vector<BenchRound> rounds;
    for (int round = 0; round < options.rounds; ++round) {
        BenchRound figures;
        bool first = round == 0;
        if (round % 2 == 0) {
            figures.engine = measureEngine(files, messages, first ? &engineMatches : nullptr);
            figures.naive = measureNaive(files, messages, first ? &naiveMatches : nullptr);
        } else {
            figures.naive = measureNaive(files, messages, nullptr);
            figures.engine = measureEngine(files, messages, nullptr);
        }
        rounds.push_back(figures);
    }
    NaiveRules naive(files);
    auto summary = compareMatches(naive, paths, engineMatches, naiveMatches);
    printReport(options, naive, conditions, totals, messages.size(), rounds, summary);
    return 0;
}

}  // namespace
}  // namespace mailgate::bench

int main(int argc, char** argv) {
    using namespace mailgate::bench;
    auto options = parseOptions(argc, argv);
    if (!options) {
        std::cerr << kUsage;
        return 2;
    }
    if (sanitizerBuild() && !options->allowSanitizerBuild) {
        std::cerr << "mailgate_rules_bench: this is a sanitizer build; benchmarks use build/ "
                     "(scripts/build.sh), or pass --allow-sanitizer-build (figures are then "
                     "not meaningful)\n";
        return 2;
    }
    return run(*options);
}
