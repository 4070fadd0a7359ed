// The SMTP stage's decision for one snapshot (see SmtpStagePolicy.hpp).
#include "gateway/engine/SmtpStagePolicy.hpp"

#include <stdexcept>

#include "gateway/engine/CheckRegistry.hpp"

namespace mailgate {
namespace {

DnsLookup& requiredDns(const Services& services) {
    if (services.dns == nullptr) {
        throw std::logic_error("the SMTP stage needs a DNS resolver in its services");
    }
    return *services.dns;
}

void appendResults(SmtpStageOutcome& into, SmtpStageOutcome from) {
    for (auto& result : from.checks) {
        into.checks.push_back(std::move(result));
    }
}

}  // namespace

SmtpStagePolicy::SmtpStagePolicy(const Config& config, const Services& services)
    : relay_domains_(std::make_shared<const RelayDomains>(config.relay)),
      dns_(requiredDns(services)),
      pre_filters_(SmtpStageChecks::fromRegistry(config, services, {CheckPhase::PreFilter})),
      filters_(SmtpStageChecks::fromRegistry(config, services, {CheckPhase::Filter})),
      post_filters_(SmtpStageChecks::fromRegistry(config, services, {CheckPhase::PostFilter})) {}

std::vector<std::string> SmtpStagePolicy::checkNames() const {
    std::vector<std::string> names;
    for (const auto* phase : {&pre_filters_, &filters_, &post_filters_}) {
        auto those = phase->names();
        names.insert(names.end(), those.begin(), those.end());
    }
    return names;
}

boost::asio::awaitable<SmtpStageVerdict> SmtpStagePolicy::evaluate(
    std::shared_ptr<SmtpSession> session, std::chrono::steady_clock::time_point deadline) const {
    session->trusted_network = relay_domains_->isTrustedClient(session->client_address);
    std::shared_ptr<const SmtpSession> facts = session;
    SmtpStageVerdict verdict;
    verdict.filters = co_await pre_filters_.run(facts, dns_, deadline);
    if (!verdict.filters.merged.rejects()) {
        // The post-filters run after the filters: these must leave them time, or a client
        // whose own DNS is slow on purpose could make greylisting run out of time and pass.
        auto filtersDeadline = deadline;
        if (auto reserve = post_filters_.latencyBoundAt(facts->stage); reserve.count() > 0) {
            auto total = deadline - std::chrono::steady_clock::now();
            filtersDeadline -= std::min<std::chrono::steady_clock::duration>(reserve, total / 3);
        }
        appendResults(verdict.filters, co_await filters_.run(facts, dns_, filtersDeadline));
        verdict.filters.merged = mergeCheckOutcomes(verdict.filters.checks);
    }
    verdict.merged = verdict.filters.merged;
    if (verdict.merged.rejects() || !post_filters_.anyAppliesAt(facts->stage)) {
        co_return verdict;
    }
    // Only the post-filters read the facts, so a filter task still running past its
    // deadline never sees them change.
    session->facts = factsFromSymbols(verdict.merged.symbols);
    auto later = co_await post_filters_.run(facts, dns_, deadline);
    for (auto& result : later.checks) {
        mergeLaterOutcome(verdict.merged, result.outcome);
        verdict.post_filters.push_back(std::move(result));
    }
    co_return verdict;
}

}  // namespace mailgate
