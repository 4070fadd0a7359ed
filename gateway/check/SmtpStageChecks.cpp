// Building and running the SMTP-stage checks of one snapshot (see SmtpStageChecks.hpp).
#include "gateway/check/SmtpStageChecks.hpp"

#include "gateway/access/ClientAccessCheck.hpp"
#include "gateway/checks/ClientNameCheck.hpp"
#include "gateway/checks/HeloCheck.hpp"
#include "gateway/checks/LocalSenderCheck.hpp"
#include "gateway/checks/MessageLimitsCheck.hpp"
#include "gateway/checks/SenderDomainCheck.hpp"
#include "gateway/dnsbl/DnsblCheck.hpp"
#include "gateway/relay/RelayCheck.hpp"
#include "gateway/spf/SpfCheck.hpp"
#include "gateway/util/AwaitAll.hpp"

namespace mailgate {

SmtpStageChecks SmtpStageChecks::fromConfig(const Config& config,
                                            std::shared_ptr<const RelayDomains> relayDomains) {
    if (!relayDomains) {
        relayDomains = std::make_shared<const RelayDomains>(config.relay);
    }
    SmtpStageChecks checks;
    // Order matters only for which of two rejects is reported: the postmaster's own lists
    // and limits first, then the cheapest evidence about the connection, then what the
    // client claims, then the sender.
    if (!config.access.banned_clients.empty() || !config.access.allowed_clients.empty()) {
        checks.add(std::make_unique<ClientAccessCheck>(config.access));
    }
    if (config.relay.check && !config.relay.domains.empty()) {
        checks.add(std::make_unique<RelayCheck>(relayDomains));
    }
    if (config.limits.max_recipients > 0 || config.limits.max_message_size > 0) {
        checks.add(std::make_unique<MessageLimitsCheck>(config.limits));
    }
    if (config.local_senders.enabled) {
        checks.add(std::make_unique<LocalSenderCheck>(config.local_senders, relayDomains));
    }
    const auto& client = config.client_checks;
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

// Owns what it reads: a task may outlive run() when the deadline comes first.
boost::asio::awaitable<CheckOutcome> runOne(std::shared_ptr<const SmtpStageCheck> check,
                                            std::shared_ptr<const SmtpSession> session,
                                            DnsLookup& dns) {
    co_return co_await check->check(*session, dns);
}

}  // namespace

boost::asio::awaitable<SmtpStageOutcome> SmtpStageChecks::run(
    std::shared_ptr<const SmtpSession> session, DnsLookup& dns,
    std::optional<std::chrono::steady_clock::time_point> deadline) const {
    std::vector<std::shared_ptr<const SmtpStageCheck>> running;
    std::vector<boost::asio::awaitable<CheckOutcome>> tasks;
    for (const auto& check : checks_) {
        if (check->appliesAt(session->stage)) {
            running.push_back(check);
            tasks.push_back(runOne(check, session, dns));
        }
    }
    auto outcomes = co_await awaitAllUntil(
        std::move(tasks), deadline.value_or(std::chrono::steady_clock::time_point::max()));
    SmtpStageOutcome result;
    for (std::size_t i = 0; i < outcomes.size(); ++i) {
        bool finished = outcomes[i].has_value();
        result.checks.push_back({std::string(running[i]->name()),
                                 finished ? std::move(*outcomes[i]) : running[i]->unfinished(),
                                 finished});
    }
    result.merged = mergeCheckOutcomes(result.checks);
    co_return result;
}

CheckOutcome mergeCheckOutcomes(const std::vector<SmtpStageCheckResult>& results) {
    CheckOutcome merged;
    for (const auto& result : results) {
        const CheckOutcome& outcome = result.outcome;
        const std::string& name = result.check;
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
