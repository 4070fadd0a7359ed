// mailgatectl check-client: runs the SMTP-stage checks the config enables (plus any
// named by --enable/--reject) for one made-up client, through mailgate's own resolver,
// and prints what the policy stage would see: each symbol with its score and detail,
// DNS failures, headers, and the decision (the reply, or accept with the total score).
// For postmasters asking "why was this client rejected?" and for the integration tests.
// Exit 0 when the checks ran, 1 on a config or resolver problem, 2 on bad usage.
#include <iostream>
#include <optional>
#include <sstream>

#include "gateway/dns/DnsResolver.hpp"
#include "gateway/engine/SmtpStageChecks.hpp"
#include "gateway/net/HostNameSyntax.hpp"
#include "tools/mailgatectl/CommandSetup.hpp"

namespace mailgate {
namespace {

const char* const kUsage =
    "usage: mailgatectl check-client --ip ADDRESS [--name CLIENT_NAME] [--helo NAME]\n"
    "         [--sender ADDRESS] [--authenticated USER] [--trusted] [--dns IP:PORT]...\n"
    "         [--timeout-ms N] [--enable CHECK]... [--reject CHECK]...\n"
    "  CHECK is ptr, helo, sender_domain, all (those three), spf or dnsbl; --enable scores\n"
    "  it, --reject rejects. SPF and DNSBL also run when the config enables them.\n";

struct CheckClientOptions {
    SmtpSession session;
    bool address_given = false;
    std::vector<std::string> servers;
    std::int64_t timeout_ms = -1;
    std::vector<std::pair<std::string, ClientCheckAction>> overrides;
};

// --enable spf scores SPF results only; --reject spf also rejects spf.reject_results
// (["fail"] when the config lists none).
void applySpfOverride(SpfSettings& spf, ClientCheckAction action) {
    spf.enabled = true;
    if (action == ClientCheckAction::Score) {
        spf.reject_results.clear();
    } else if (spf.reject_results.empty()) {
        spf.reject_results = {"fail"};
    }
}

// Applies --enable/--reject; false for an unknown check name.
bool applyOverride(Config& config, const std::string& check, ClientCheckAction action) {
    if (check == "spf") {
        applySpfOverride(config.spf, action);
        return true;
    }
    if (check == "dnsbl") {
        config.dnsbl.enabled = true;  // the zones and reject threshold come from the config
        return true;
    }
    auto& settings = config.client_checks;
    bool all = check == "all";
    bool known = all;
    auto set = [&](const char* name, ClientCheckAction& field) {
        if (all || check == name) {
            // --enable never lowers a check the config already rejects with.
            if (action == ClientCheckAction::Reject || field == ClientCheckAction::Off) {
                field = action;
            }
            known = true;
        }
    };
    set("ptr", settings.ptr_action);
    set("helo", settings.helo_action);
    set("sender_domain", settings.sender_domain_action);
    return known;
}

std::optional<CheckClientOptions> parseOptions(const std::vector<std::string>& arguments) {
    CheckClientOptions options;
    for (std::size_t i = 0; i < arguments.size(); ++i) {
        const std::string& option = arguments[i];
        if (option == "--trusted") {
            options.session.trusted_network = true;
            continue;
        }
        if (i + 1 >= arguments.size()) {
            return std::nullopt;
        }
        const std::string& value = arguments[++i];
        if (option == "--ip") {
            auto address = IpAddress::parse(value);
            if (!address) {
                std::cerr << "mailgatectl check-client: " << address.error() << "\n";
                return std::nullopt;
            }
            options.session.client_address = *address;
            options.address_given = true;
        } else if (option == "--name") {
            options.session.client_name = value;
        } else if (option == "--helo") {
            options.session.helo = value;
        } else if (option == "--sender") {
            options.session.sender = value;
        } else if (option == "--authenticated") {
            options.session.authenticated_user = value;
        } else if (option == "--dns") {
            options.servers.push_back(value);
        } else if (option == "--timeout-ms") {
            options.timeout_ms = std::atoll(value.c_str());
        } else if (option == "--enable") {
            options.overrides.emplace_back(value, ClientCheckAction::Score);
        } else if (option == "--reject") {
            options.overrides.emplace_back(value, ClientCheckAction::Reject);
        } else {
            return std::nullopt;
        }
    }
    if (!options.address_given) {
        return std::nullopt;
    }
    return options;
}

std::string formatScore(double score) {
    std::ostringstream out;
    out << score;
    return out.str();
}

void printOutcome(const SmtpStageOutcome& outcome) {
    double total = 0;
    for (const auto& checked : outcome.checks) {
        const std::string& check = checked.check;
        const CheckOutcome& result = checked.outcome;
        for (const auto& symbol : result.symbols) {
            std::cout << "symbol check=" << check << " name=" << symbol.name
                      << " score=" << formatScore(symbol.score) << " detail=\""
                      << printableText(symbol.detail, 300) << "\"\n";
            total += symbol.score;
        }
        if (!result.dependency_failure.empty()) {
            std::cout << "dns_failure check=" << check << " detail=\""
                      << printableText(result.dependency_failure, 300) << "\"\n";
        }
        for (const auto& header : result.headers) {
            std::cout << "header " << header.name << ": " << printableText(header.value, 1000)
                      << "\n";
        }
    }
    const auto& reply = outcome.merged.reply;
    if (outcome.merged.rejects()) {
        std::cout << "decision=reject reply=\"" << printableText(reply->toString(), 300) << "\"";
    } else if (outcome.merged.defers()) {
        std::cout << "decision=tempfail reply=\"" << printableText(reply->toString(), 300) << "\"";
    } else {
        std::cout << "decision=accept";
    }
    std::cout << " score=" << formatScore(total) << "\n";
}

}  // namespace

int runCheckClient(const CommandLine& line) {
    int status = 0;
    auto start =
        startCommand(line, "check-client", kUsage, parseOptions(line.arguments), false, status);
    if (!start) {
        return status;
    }
    auto* options = &start->options;
    Config& config = start->config;
    for (const auto& [check, action] : options->overrides) {
        if (!applyOverride(config, check, action)) {
            std::cerr << "mailgatectl check-client: unknown check \"" << check << "\"\n" << kUsage;
            return 2;
        }
    }
    // Every check of the SMTP stage but the post-filters (greylisting would record the
    // client in Redis: this command only looks).
    const SmtpStageChecks checks = SmtpStageChecks::fromRegistry(
        config, Services{}, {CheckPhase::PreFilter, CheckPhase::Filter});
    std::cout << "checks:";
    for (const auto& name : checks.names()) {
        std::cout << " " << name;
    }
    std::cout << (checks.empty() ? " none enabled\n" : "\n");

    DnsResolverSettings settings{
        options->servers.empty() ? config.dns.servers : options->servers,
        options->timeout_ms > 0 ? options->timeout_ms : config.dns.timeout_ms};
    boost::asio::io_context io;
    auto resolver = DnsResolver::create(io, settings);
    if (!resolver) {
        std::cerr << "mailgatectl check-client: " << resolver.error() << "\n";
        return 1;
    }
    SmtpStageOutcome outcome;
    auto session = std::make_shared<const SmtpSession>(options->session);
    boost::asio::co_spawn(io, checks.run(session, **resolver),
                          [&outcome](std::exception_ptr error, SmtpStageOutcome result) {
                              if (error) {
                                  std::rethrow_exception(error);  // a check broke its promise
                              }
                              outcome = std::move(result);
                          });
    io.run();
    printOutcome(outcome);
    return 0;
}

}  // namespace mailgate
