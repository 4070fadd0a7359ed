// Building and running the SMTP-stage checks of one snapshot (see SmtpStageChecks.hpp).
#include "gateway/check/SmtpStageChecks.hpp"

#include "gateway/checks/ClientNameCheck.hpp"
#include "gateway/checks/HeloCheck.hpp"
#include "gateway/checks/SenderDomainCheck.hpp"
#include "gateway/dnsbl/DnsblCheck.hpp"
#include "gateway/spf/SpfCheck.hpp"
#include "gateway/util/AwaitAll.hpp"

namespace mailgate {

SmtpStageChecks SmtpStageChecks::fromConfig(const Config& config) {
    SmtpStageChecks checks;
    const auto& client = config.client_checks;
    // Order matters only for which of two rejects is reported: the cheapest evidence
    // about the connection first, then what the client claims, then the sender.
    if (client.ptr_action != ClientCheckAction::Off) {
        checks.add(std::make_unique<ClientNameCheck>(client));
    }
    if (client.helo_action != ClientCheckAction::Off) {
        checks.add(std::make_unique<HeloCheck>(client));
    }
    if (client.sender_domain_action != ClientCheckAction::Off) {
        checks.add(std::make_unique<SenderDomainCheck>(client));
    }
    if (config.dnsbl.enabled) {
        // The loader validated every zone spec, so creation cannot fail for a snapshot.
        if (auto dnsbl = DnsblCheck::create(config.dnsbl)) {
            checks.add(std::move(*dnsbl));
        }
    }
    if (config.spf.enabled) {
        checks.add(std::make_unique<SpfCheck>(config.spf));
    }
    return checks;
}

std::vector<std::string> SmtpStageChecks::names() const {
    std::vector<std::string> out;
    for (const auto& check : checks_) {
        out.emplace_back(check->name());
    }
    return out;
}

namespace {

boost::asio::awaitable<CheckOutcome> runOne(std::shared_ptr<const SmtpStageCheck> check,
                                            const SmtpSession& session, DnsLookup& dns) {
    co_return co_await check->check(session, dns);
}

}  // namespace

boost::asio::awaitable<SmtpStageOutcome> SmtpStageChecks::run(const SmtpSession& session,
                                                              DnsLookup& dns) const {
    std::vector<boost::asio::awaitable<CheckOutcome>> tasks;
    for (const auto& check : checks_) {
        tasks.push_back(runOne(check, session, dns));
    }
    std::vector<CheckOutcome> outcomes = co_await awaitAll(std::move(tasks));
    SmtpStageOutcome result;
    for (std::size_t i = 0; i < outcomes.size(); ++i) {
        result.checks.push_back({std::string(checks_[i]->name()), std::move(outcomes[i])});
    }
    result.merged = mergeCheckOutcomes(result.checks);
    co_return result;
}

CheckOutcome mergeCheckOutcomes(const std::vector<SmtpStageCheckResult>& results) {
    CheckOutcome merged;
    for (const auto& [name, outcome] : results) {
        merged.symbols.insert(merged.symbols.end(), outcome.symbols.begin(), outcome.symbols.end());
        merged.headers.insert(merged.headers.end(), outcome.headers.begin(), outcome.headers.end());
        if (!outcome.dependency_failure.empty()) {
            merged.dependency_failure += (merged.dependency_failure.empty() ? "" : "; ") + name +
                                         ": " + outcome.dependency_failure;
        }
        if (outcome.rejects() && !merged.rejects()) {
            merged.reply = outcome.reply;
        } else if (outcome.defers() && !merged.reply) {
            merged.reply = outcome.reply;
        }
    }
    return merged;
}

}  // namespace mailgate
