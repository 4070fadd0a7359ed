// Building and running the SMTP-stage checks of one snapshot (see SmtpStageChecks.hpp).
#include "gateway/engine/SmtpStageChecks.hpp"

#include <algorithm>

#include "gateway/engine/CheckRegistry.hpp"
#include "gateway/util/AwaitAll.hpp"

namespace mailgate {

SmtpStageChecks SmtpStageChecks::fromRegistry(const Config& config, const Services& services,
                                              std::initializer_list<CheckPhase> phases) {
    SmtpStageChecks checks;
    for (const auto& descriptor : checkRegistry()) {
        if (descriptor.stage != CheckStage::Smtp ||
            std::find(phases.begin(), phases.end(), descriptor.phase) == phases.end()) {
            continue;
        }
        if (auto check = descriptor.make_smtp_check(config, services)) {
            checks.add(std::move(check));
        }
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

bool SmtpStageChecks::anyAppliesAt(SmtpStage stage) const {
    return std::any_of(checks_.begin(), checks_.end(),
                       [stage](const auto& check) { return check->appliesAt(stage); });
}

std::chrono::milliseconds SmtpStageChecks::latencyBoundAt(SmtpStage stage) const {
    std::chrono::milliseconds bound{0};
    for (const auto& check : checks_) {
        if (check->appliesAt(stage)) {
            bound = std::max(bound, check->latencyBound());
        }
    }
    return bound;
}

namespace {

// Owns what it reads: a task may outlive run() when the deadline comes first.
boost::asio::awaitable<CheckOutcome> runOne(std::shared_ptr<const SmtpStageCheck> check,
                                            std::shared_ptr<const SmtpSession> session,
                                            DnsLookup& dns) {
    co_return co_await check->check(*session, dns);
}

void appendFailure(CheckOutcome& merged, const std::string& failure) {
    if (!failure.empty()) {
        merged.dependency_failure += (merged.dependency_failure.empty() ? "" : "; ") + failure;
    }
}

void appendFindings(CheckOutcome& merged, const CheckOutcome& outcome) {
    merged.symbols.insert(merged.symbols.end(), outcome.symbols.begin(), outcome.symbols.end());
    merged.headers.insert(merged.headers.end(), outcome.headers.begin(), outcome.headers.end());
    merged.log_fields.insert(merged.log_fields.end(), outcome.log_fields.begin(),
                             outcome.log_fields.end());
}

}  // namespace

boost::asio::awaitable<SmtpStageOutcome> SmtpStageChecks::run(
    std::shared_ptr<const SmtpSession> session, DnsLookup& dns,
    std::optional<std::chrono::steady_clock::time_point> deadline) const {
    SmtpStageOutcome result;
    result.checks.reserve(checks_.size());
    std::vector<std::shared_ptr<const SmtpStageCheck>> running;
    std::vector<std::size_t> slots;  // where each running check's result goes
    for (const auto& check : checks_) {
        if (!check->appliesAt(session->stage)) {
            continue;
        }
        result.checks.push_back({std::string(check->name()), {}, true});
        if (!check->waits()) {
            // Nothing to wait for: no task, no strand, no timer.
            result.checks.back().outcome = co_await check->check(*session, dns);
            continue;
        }
        running.push_back(check);
        slots.push_back(result.checks.size() - 1);
    }
    if (result.checks.empty()) {
        co_return result;
    }
    // A check whose own time bound ends before the deadline needs no race with a timer
    // (the common case for a post-filter, and the cheaper one).
    auto now = std::chrono::steady_clock::now();
    bool boundedInTime = !deadline || std::all_of(running.begin(), running.end(), [&](auto& c) {
        return c->latencyBound().count() > 0 && now + c->latencyBound() <= *deadline;
    });
    if (running.size() == 1 && boundedInTime) {
        result.checks[slots.front()].outcome = co_await running.front()->check(*session, dns);
    } else if (!running.empty()) {
        std::vector<boost::asio::awaitable<CheckOutcome>> tasks;
        for (const auto& check : running) {
            tasks.push_back(runOne(check, session, dns));
        }
        auto outcomes = co_await awaitAllUntil(
            std::move(tasks),
            deadline && !boundedInTime ? *deadline : std::chrono::steady_clock::time_point::max());
        for (std::size_t i = 0; i < outcomes.size(); ++i) {
            auto& slot = result.checks[slots[i]];
            slot.finished = outcomes[i].has_value();
            slot.outcome = slot.finished ? std::move(*outcomes[i]) : running[i]->unfinished();
        }
    }
    result.merged = mergeCheckOutcomes(result.checks);
    co_return result;
}

CheckOutcome mergeCheckOutcomes(const std::vector<SmtpStageCheckResult>& results) {
    CheckOutcome merged;
    for (const auto& result : results) {
        const CheckOutcome& outcome = result.outcome;
        appendFindings(merged, outcome);
        if (!outcome.dependency_failure.empty()) {
            appendFailure(merged, result.check + ": " + outcome.dependency_failure);
        }
        if (outcome.rejects() && !merged.rejects()) {
            merged.reply = outcome.reply;
        } else if (outcome.defers() && !merged.reply) {
            merged.reply = outcome.reply;
        }
    }
    return merged;
}

void mergeLaterOutcome(CheckOutcome& merged, const CheckOutcome& later) {
    appendFindings(merged, later);
    appendFailure(merged, later.dependency_failure);
    if (later.reply && !merged.reply) {
        merged.reply = later.reply;
    }
}

}  // namespace mailgate
