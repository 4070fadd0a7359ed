// MilterProtocolOptions: the command line of mailgate_milter_bench (the MTA side of the
// milter protocol, bench/MilterProtocolBench.cpp) and its parser, plus the number and
// list parsing the SMTP corpus sender shares. It offers the checked options or an error
// text for the usage message; it opens nothing and knows nothing of the protocol.
#pragma once

#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mailgate::bench {

// Where the messages come from: directories (files ending in `suffix`) and list files.
struct CorpusOptions {
    std::vector<std::string> directories;
    std::vector<std::string> lists;
    std::string suffix = ".eml";
};

struct MilterBenchOptions {
    std::string milter;  // unix:/path, inet:HOST:PORT or inet:PORT@HOST
    CorpusOptions corpus;
    std::int64_t messages = 0;  // 0: each corpus message once
    int connections = 10;
    int messagesPerConnection = 1;
    std::vector<long> milterPids;  // their CPU time gives messages per core
    double timeoutSeconds = 30;
    bool tcpNoDelay = false;  // Postfix leaves Nagle on for its milter connections
    std::string sender = "bench@sender.test";
    std::vector<std::string> recipients;
    std::string clientAddress = "127.0.0.1";
    std::string clientName = "localhost";
    std::string helo = "client.sender.test";
};

inline constexpr std::string_view milterBenchUsage =
    "usage: mailgate_milter_bench --milter unix:/path|inet:HOST:PORT (--corpus DIR | --list "
    "FILE)...\n"
    "       [--suffix .eml] [--messages N] [--connections N] [--messages-per-connection K]\n"
    "       [--milter-pid PID]... [--timeout S] [--tcp-nodelay] [--sender ADDRESS]\n"
    "       [--recipient ADDRESS]... [--client-address IP] [--client-name NAME] [--helo NAME]\n";

namespace bench_options_detail {

template <class Number>
bool parseNumber(std::string_view text, Number& value) {
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    return error == std::errc{} && end == text.data() + text.size();
}

inline bool parseSeconds(std::string_view text, double& value) {
    try {
        std::size_t used = 0;
        value = std::stod(std::string(text), &used);
        return used == text.size() && value > 0;
    } catch (const std::exception&) {
        return false;
    }
}

inline bool setCorpusOption(CorpusOptions& corpus, std::string_view name, std::string_view value) {
    if (name == "--corpus") {
        corpus.directories.emplace_back(value);
    } else if (name == "--list") {
        corpus.lists.emplace_back(value);
    } else if (name == "--suffix") {
        corpus.suffix = std::string(value);
    } else {
        return false;
    }
    return true;
}

inline bool setText(MilterBenchOptions& options, std::string_view name, std::string_view value) {
    std::string text(value);
    if (name == "--milter") {
        options.milter = text;
    } else if (name == "--sender") {
        options.sender = text;
    } else if (name == "--recipient") {
        options.recipients.push_back(text);
    } else if (name == "--client-address") {
        options.clientAddress = text;
    } else if (name == "--client-name") {
        options.clientName = text;
    } else if (name == "--helo") {
        options.helo = text;
    } else {
        return false;
    }
    return true;
}

// Sets the option `name` from `value`; false when the name is unknown or the value bad.
inline bool setOption(MilterBenchOptions& options, std::string_view name, std::string_view value) {
    if (setCorpusOption(options.corpus, name, value) || setText(options, name, value)) {
        return true;
    }
    if (name == "--messages") {
        return parseNumber(value, options.messages);
    }
    if (name == "--connections") {
        return parseNumber(value, options.connections);
    }
    if (name == "--messages-per-connection") {
        return parseNumber(value, options.messagesPerConnection);
    }
    if (name == "--milter-pid") {
        return parseNumber(value, options.milterPids.emplace_back());
    }
    if (name == "--timeout") {
        return parseSeconds(value, options.timeoutSeconds);
    }
    return false;
}

inline std::string checkOptions(MilterBenchOptions& options) {
    if (options.milter.empty()) {
        return "--milter is required";
    }
    if (options.corpus.directories.empty() && options.corpus.lists.empty()) {
        return "give at least one --corpus DIR or --list FILE";
    }
    if (options.connections < 1 || options.connections > 1000) {
        return "--connections must be 1 to 1000";
    }
    if (options.messagesPerConnection < 1 || options.messages < 0) {
        return "--messages-per-connection must be at least 1, --messages at least 0";
    }
    if (options.recipients.empty()) {
        options.recipients.emplace_back("user@example.test");
    }
    return {};
}

}  // namespace bench_options_detail

// The options of argv, or nullopt with `error` set.
inline std::optional<MilterBenchOptions> parseMilterBenchOptions(int argc, char** argv,
                                                                 std::string& error) {
    MilterBenchOptions options;
    for (int index = 1; index < argc; ++index) {
        std::string_view name = argv[index];
        if (name == "--tcp-nodelay") {
            options.tcpNoDelay = true;
            continue;
        }
        if (index + 1 >= argc || !bench_options_detail::setOption(options, name, argv[index + 1])) {
            error = "bad or incomplete option: " + std::string(name);
            return std::nullopt;
        }
        ++index;
    }
    error = bench_options_detail::checkOptions(options);
    if (!error.empty()) {
        return std::nullopt;
    }
    return options;
}

}  // namespace mailgate::bench
