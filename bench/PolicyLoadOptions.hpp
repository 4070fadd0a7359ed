// PolicyLoadOptions: the command line of mailgate_policy_load (the Postfix policy
// protocol load generator, bench/PolicyLoadGenerator.cpp) and its parser. It offers the
// parsed, checked options or an error text for the usage message; it opens nothing and
// knows nothing of the protocol itself.
#pragma once

#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mailgate::bench {

enum class PolicyLoadWorkload { fresh, repeated };  // --workload new | repeated

struct PolicyLoadOptions {
    std::string server;  // inet:HOST:PORT or unix:/path
    int connections = 32;
    int threads = 1;
    double seconds = 0;         // measure for this long, or
    std::int64_t requests = 0;  // send exactly this many
    PolicyLoadWorkload workload = PolicyLoadWorkload::fresh;
    std::int64_t triplets = 1000;  // size of the repeated pool
    std::uint64_t seed = 1;
    bool prime = false;  // send each pool triplet once, then exit
    int clientNetworks = 256;
    double timeoutSeconds = 10;  // a reply later than this is an error
};

inline constexpr std::string_view policyLoadUsage =
    "usage: mailgate_policy_load --server inet:HOST:PORT|unix:/path [--connections N]\n"
    "       [--threads 1|2] [--seconds S | --requests N] [--workload new|repeated]\n"
    "       [--triplets K] [--seed N] [--prime] [--client-networks M] [--timeout S]\n";

namespace policy_load_detail {

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

// Sets the option `name` from `value`; false when the name is unknown or the value bad.
inline bool setOption(PolicyLoadOptions& options, std::string_view name, std::string_view value) {
    if (name == "--server") {
        options.server = std::string(value);
        return true;
    }
    if (name == "--workload") {
        options.workload =
            value == "repeated" ? PolicyLoadWorkload::repeated : PolicyLoadWorkload::fresh;
        return value == "new" || value == "repeated";
    }
    if (name == "--seconds") {
        return parseSeconds(value, options.seconds);
    }
    if (name == "--timeout") {
        return parseSeconds(value, options.timeoutSeconds);
    }
    if (name == "--connections") {
        return parseNumber(value, options.connections);
    }
    if (name == "--threads") {
        return parseNumber(value, options.threads);
    }
    if (name == "--requests") {
        return parseNumber(value, options.requests);
    }
    if (name == "--triplets") {
        return parseNumber(value, options.triplets);
    }
    if (name == "--seed") {
        return parseNumber(value, options.seed);
    }
    if (name == "--client-networks") {
        return parseNumber(value, options.clientNetworks);
    }
    return false;
}

// The error in a complete set of options, or empty.
inline std::string checkOptions(PolicyLoadOptions& options) {
    if (!options.server.starts_with("inet:") && !options.server.starts_with("unix:")) {
        return "--server must be inet:HOST:PORT or unix:/path";
    }
    if (options.connections < 1 || options.connections > 10000) {
        return "--connections must be 1 to 10000";
    }
    if (options.threads < 1 || options.threads > options.connections) {
        return "--threads must be 1 to the number of connections";
    }
    if (options.clientNetworks < 1 || options.clientNetworks > 512) {
        return "--client-networks must be 1 to 512 (the /24s of 198.18.0.0/15)";
    }
    if (options.triplets < 1) {
        return "--triplets must be at least 1";
    }
    if (options.seconds > 0 && options.requests > 0) {
        return "give --seconds or --requests, not both";
    }
    if (options.prime) {
        if (options.seconds > 0 || options.requests > 0) {
            return "--prime sends each triplet once: no --seconds or --requests";
        }
        options.workload = PolicyLoadWorkload::repeated;
        options.requests = options.triplets;
    } else if (options.seconds <= 0 && options.requests <= 0) {
        options.seconds = 5;
    }
    return {};
}

}  // namespace policy_load_detail

// The options of argv, or nullopt with `error` set.
inline std::optional<PolicyLoadOptions> parsePolicyLoadOptions(int argc, char** argv,
                                                               std::string& error) {
    PolicyLoadOptions options;
    for (int index = 1; index < argc; ++index) {
        std::string_view name = argv[index];
        if (name == "--prime") {
            options.prime = true;
            continue;
        }
        if (index + 1 >= argc || !policy_load_detail::setOption(options, name, argv[index + 1])) {
            error = "bad or incomplete option: " + std::string(name);
            return std::nullopt;
        }
        ++index;
    }
    error = policy_load_detail::checkOptions(options);
    if (!error.empty()) {
        return std::nullopt;
    }
    return options;
}

}  // namespace mailgate::bench
