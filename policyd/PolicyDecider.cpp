// The decision for a policy request, and its log line (see PolicyDecider.hpp).
#include "policyd/PolicyDecider.hpp"

#include <chrono>
#include <cstdio>

#include "gateway/engine/PolicyStageHeader.hpp"
#include "gateway/tracking/DecisionRecords.hpp"
#include "gateway/tracking/MessageTracker.hpp"
#include "policyd/PolicyAction.hpp"
#include "policyd/SessionFromRequest.hpp"

namespace mailgate {
namespace {

std::int64_t unixNow() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::string symbolList(const CheckOutcome& outcome) {
    std::string text;
    char score[32];
    for (const auto& symbol : outcome.symbols) {
        std::snprintf(score, sizeof score, "%g", symbol.score);
        text += (text.empty() ? "" : ",") + symbol.name + "(" + score + ")";
    }
    return text;
}

std::string unfinishedChecks(const SmtpStageVerdict& verdict) {
    std::string text;
    for (const auto* results : {&verdict.filters.checks, &verdict.post_filters}) {
        for (const auto& result : *results) {
            if (!result.finished) {
                text += (text.empty() ? "" : ",") + result.check;
            }
        }
    }
    return text;
}

}  // namespace

std::string PolicyDecider::policyHeader(const Config& config, const SmtpSession& session,
                                        const CheckOutcome& merged,
                                        PolicyTransaction& transaction) const {
    if (config.policy_header.secret.empty() || session.stage != SmtpStage::Rcpt || merged.reply ||
        (merged.symbols.empty() && merged.headers.empty())) {
        return {};
    }
    PolicyStageRecord record;
    record.client_address = session.client_address.toString();
    record.sender = session.sender;
    record.symbols = merged.symbols;
    record.headers = merged.headers;
    // The same content for the next recipient needs no second header.
    std::string content = signPolicyStageRecord(record, config.policy_header.secret);
    if (content == transaction.prepended_content) {
        return {};
    }
    transaction.prepended_content = content;
    record.time = unixNow();
    return std::string(kPolicyStageHeaderName) + ": " +
           signPolicyStageRecord(record, config.policy_header.secret);
}

boost::asio::awaitable<PolicyReply> PolicyDecider::decide(const PolicyRequest& request,
                                                          PolicyTransaction& transaction,
                                                          ConfigSnapshot config) {
    auto started = std::chrono::steady_clock::now();
    transaction.follow(std::string(request.get("instance")));
    auto facts = smtpSessionFromRequest(request);
    if (!facts) {
        // Postfix always sends a client address; a hand-written client may not. Such a
        // request is let on (DUNNO), never refused for our inability to read it.
        PolicyReply reply;
        log(request, *config, SmtpStageVerdict{}, reply, 0, facts.error());
        co_return reply;
    }
    auto session = std::make_shared<SmtpSession>(std::move(*facts));
    if (session->stage == SmtpStage::Rcpt) {
        session->recipient_count = transaction.recipients_let_through;
    }
    session->now = unixNow();
    auto policy = policies_.get(config);
    auto deadline = started + std::chrono::milliseconds(config->policyd.reply_deadline_ms);
    SmtpStageVerdict verdict = co_await policy->evaluate(session, deadline);
    std::string header = policyHeader(*config, *session, verdict.merged, transaction);
    PolicyReply reply = policyReplyFor(verdict.merged, header, config->policyd.warn_only);
    if (session->stage == SmtpStage::Rcpt && !verdict.merged.reply) {
        ++transaction.recipients_let_through;
    }
    auto elapsed = std::chrono::duration_cast<std::chrono::microseconds>(
                       std::chrono::steady_clock::now() - started)
                       .count();
    log(request, *config, verdict, reply, elapsed, {});
    if (tracker_ && config->tracking.enabled) {
        tracker_->record(config->tracking,
                         policyDecisionRecord(*session, request.queueId(), request.protocolState(),
                                              verdict, config->policyd.warn_only));
    }
    co_return reply;
}

void PolicyDecider::log(const PolicyRequest& request, const Config& config,
                        const SmtpStageVerdict& verdict, const PolicyReply& reply,
                        std::int64_t elapsedMicroseconds, std::string_view problem) {
    LogLevel level = problem.empty() ? LogLevel::Info : LogLevel::Warning;
    if (!logger_.enabled(level)) {
        return;
    }
    // The action as Postfix gets it, but the signed header only by name: it is long.
    std::string action = reply.action.compare(0, 8, "PREPEND ") == 0
                             ? std::string("PREPEND ") + kPolicyStageHeaderName
                             : reply.action;
    LogLine line("policy_decision");
    line.add("queue_id", request.queueId())
        .add("protocol_state", request.protocolState())
        .add("instance", request.get("instance"))
        .add("client_address", request.get("client_address"))
        .add("client_name", request.get("client_name"))
        .add("helo_name", request.get("helo_name"))
        .add("sender", request.get("sender"))
        .add("recipient", request.get("recipient"))
        .add("sasl_username", request.get("sasl_username"))
        .add("action", action);
    if (!problem.empty()) {
        line.add("unusable_request", problem);
    }
    if (!verdict.merged.symbols.empty()) {
        line.add("symbols", symbolList(verdict.merged));
    }
    for (const auto& [name, value] : verdict.merged.log_fields) {
        line.add(name, value);
    }
    if (!verdict.merged.dependency_failure.empty()) {
        line.add("dependency_failure", verdict.merged.dependency_failure);
    }
    if (auto unfinished = unfinishedChecks(verdict); !unfinished.empty()) {
        line.add("unfinished", unfinished);
    }
    line.add("elapsed_us", elapsedMicroseconds)
        .add("config_generation", static_cast<std::uint64_t>(config.generation));
    logger_.write(level, line);
}

}  // namespace mailgate
