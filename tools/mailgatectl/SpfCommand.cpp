// mailgatectl spf: evaluates SPF (RFC 7208 check_host) for one client address, sender
// and HELO through mailgate's own resolver and evaluator, for postmasters asking "why
// did this pass or fail?" and for the RFC 7208 conformance suite. Prints the result
// keyword alone on line 1, the explanation (fail) or the reason on line 2, and the
// Received-SPF header on line 3. It changes nothing and sends no mail.
#include <iostream>

#include "gateway/checks/spf/SpfCheck.hpp"
#include "gateway/net/LocalHostName.hpp"
#include "gateway/spf/ReceivedSpfHeader.hpp"
#include "gateway/spf/SpfEvaluator.hpp"
#include "gateway/spf/SpfMacro.hpp"
#include "tools/mailgatectl/CommandSetup.hpp"

namespace mailgate {
namespace {

constexpr const char* kUsage =
    "usage: mailgatectl spf --ip ADDRESS --sender ADDRESS --helo NAME [--identity mailfrom|helo]\n"
    "                       [--dns IP:PORT]... [--timeout-ms N] [--default-explanation TEXT]\n"
    "                       [--receiver NAME]\n"
    "An empty --sender \"\" is the null sender (checked as postmaster@HELO).\n";

struct SpfArguments {
    std::string ip, sender, helo, identity = "mailfrom";
    std::optional<std::string> default_explanation, receiver;
    bool have_ip = false, have_sender = false, have_helo = false;
    ResolverChoice resolver;
};

bool parseArguments(const std::vector<std::string>& arguments, SpfArguments& parsed) {
    for (std::size_t i = 0; i < arguments.size(); ++i) {
        if (takeResolverOption(arguments, i, parsed.resolver)) {
            continue;
        }
        const auto& name = arguments[i];
        if (i + 1 >= arguments.size()) {
            return false;
        }
        const auto& value = arguments[++i];
        if (name == "--ip") {
            parsed.ip = value;
            parsed.have_ip = true;
        } else if (name == "--sender") {
            parsed.sender = value;
            parsed.have_sender = true;
        } else if (name == "--helo") {
            parsed.helo = value;
            parsed.have_helo = true;
        } else if (name == "--identity" && (value == "mailfrom" || value == "helo")) {
            parsed.identity = value;
        } else if (name == "--default-explanation") {
            parsed.default_explanation = value;
        } else if (name == "--receiver") {
            parsed.receiver = value;
        } else {
            return false;
        }
    }
    return parsed.have_ip && parsed.have_sender && parsed.have_helo;
}

}  // namespace

int runSpf(const CommandLine& line) {
    SpfArguments arguments;
    if (!parseArguments(line.arguments, arguments)) {
        std::cerr << kUsage;
        return 2;
    }
    auto client = IpAddress::parse(arguments.ip);
    if (!client) {
        std::cerr << "mailgatectl spf: " << client.error() << "\n";
        return 2;
    }
    auto config = loadCommandConfig(line);
    if (!config) {
        std::cerr << config.error();
        return 1;
    }
    SpfOptions options;
    options.receiver = arguments.receiver.value_or(
        config->spf.receiver.empty() ? localHostName() : config->spf.receiver);
    options.default_explanation =
        arguments.default_explanation.value_or(config->spf.default_explanation);
    if (auto checked = checkSpfMacroText(options.default_explanation, SpfMacroUse::Explanation);
        !checked) {
        std::cerr << "mailgatectl spf: invalid --default-explanation: " << checked.error() << "\n";
        return 2;
    }

    boost::asio::io_context io;
    auto resolver = makeCommandResolver(io, *config, arguments.resolver);
    if (!resolver) {
        std::cerr << "mailgatectl spf: " << resolver.error() << "\n";
        return 1;
    }
    SpfQuery query{*client, arguments.sender, arguments.helo};
    bool helo = arguments.identity == "helo";
    SpfEvaluator evaluator(**resolver, options);
    SpfResult result;
    boost::asio::co_spawn(
        io,
        [&]() -> boost::asio::awaitable<void> {
            // Not a ?: with co_await in both arms: g++ 12 destroys the result twice.
            if (helo) {
                result = co_await evaluator.checkHelo(query);
            } else {
                result = co_await evaluator.checkMailFrom(query);
            }
        },
        boost::asio::detached);
    io.run();

    std::cout << spfResultName(result.code) << "\n";
    std::cout << (result.code == SpfResultCode::Fail ? result.explanation : result.reason) << "\n";
    std::cout << "Received-SPF: "
              << receivedSpfValue(result, query, helo ? SpfIdentity::Helo : SpfIdentity::MailFrom,
                                  options.receiver)
              << "\n";
    return 0;
}

}  // namespace mailgate
