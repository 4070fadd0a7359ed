// The SMTP stage's decision for one snapshot (see SmtpStagePolicy.hpp).
#include "gateway/check/SmtpStagePolicy.hpp"

#include "gateway/util/AwaitAll.hpp"

namespace mailgate {
namespace {

boost::asio::awaitable<GreylistVerdict> runGreylist(std::shared_ptr<const GreylistCheck> check,
                                                    std::shared_ptr<const SmtpSession> session,
                                                    CheckOutcome earlier, std::int64_t now) {
    co_return co_await check->check(std::move(session), std::move(earlier), now);
}

void mergeGreylist(CheckOutcome& merged, const CheckOutcome& greylist) {
    merged.symbols.insert(merged.symbols.end(), greylist.symbols.begin(), greylist.symbols.end());
    merged.headers.insert(merged.headers.end(), greylist.headers.begin(), greylist.headers.end());
    if (!greylist.dependency_failure.empty()) {
        merged.dependency_failure +=
            (merged.dependency_failure.empty() ? "" : "; ") + greylist.dependency_failure;
    }
    if (greylist.reply && !merged.reply) {
        merged.reply = greylist.reply;
    }
}

}  // namespace

SmtpStagePolicy::SmtpStagePolicy(const Config& config, std::shared_ptr<GreylistStore> greylistStore)
    : relay_domains_(std::make_shared<const RelayDomains>(config.relay)),
      checks_(SmtpStageChecks::fromConfig(config, relay_domains_)) {
    if (config.greylist.enabled && greylistStore) {
        greylist_ =
            std::make_shared<const GreylistCheck>(config.greylist, std::move(greylistStore));
    }
}

std::vector<std::string> SmtpStagePolicy::checkNames() const {
    auto names = checks_.names();
    if (greylist_) {
        names.emplace_back("greylist");
    }
    return names;
}

boost::asio::awaitable<SmtpStageVerdict> SmtpStagePolicy::evaluate(
    std::shared_ptr<SmtpSession> session, DnsLookup& dns,
    std::chrono::steady_clock::time_point deadline, std::int64_t now) const {
    session->trusted_network = relay_domains_->isTrustedClient(session->client_address);
    std::shared_ptr<const SmtpSession> facts = session;
    SmtpStageVerdict verdict;
    // Greylisting runs after the other checks: they must leave it time, or a client whose
    // own DNS is slow on purpose could make it run out of time and pass ungreylisted.
    auto filtersDeadline = deadline;
    if (greylist_ && GreylistCheck::appliesAt(facts->stage)) {
        auto total = deadline - std::chrono::steady_clock::now();
        filtersDeadline -=
            std::min<std::chrono::steady_clock::duration>(greylist_->latencyBound(), total / 3);
    }
    verdict.filters = co_await checks_.run(facts, dns, filtersDeadline);
    verdict.merged = verdict.filters.merged;
    if (!greylist_ || !GreylistCheck::appliesAt(facts->stage) || verdict.merged.rejects()) {
        co_return verdict;
    }
    if (std::chrono::steady_clock::now() + greylist_->latencyBound() <= deadline) {
        // The store answers or fails by its own timeouts before the deadline: no race
        // with a timer is needed (the common case, and the cheaper one).
        verdict.greylist = co_await greylist_->check(facts, verdict.merged, now);
    } else {
        std::vector<boost::asio::awaitable<GreylistVerdict>> task;
        task.push_back(runGreylist(greylist_, facts, verdict.merged, now));
        auto finished = co_await awaitAllUntil(std::move(task), deadline);
        verdict.greylist =
            finished.front() ? std::move(*finished.front()) : greylist_->unfinished();
    }
    mergeGreylist(verdict.merged, verdict.greylist->outcome);
    co_return verdict;
}

}  // namespace mailgate
