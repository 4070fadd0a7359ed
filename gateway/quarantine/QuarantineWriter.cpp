// The milter's quarantine writes (see QuarantineWriter.hpp).
#include "gateway/quarantine/QuarantineWriter.hpp"

#include <ctime>

#include "gateway/log/LogLine.hpp"

namespace mailgate {
namespace {

constexpr std::size_t kMostPending = 10000;

std::vector<std::string> quarantinedRecipients(const ContentDecision& decision) {
    std::vector<std::string> recipients;
    for (const auto& action : decision.plan.recipients) {
        if (action.kind == RecipientActionKind::Quarantine) {
            recipients.push_back(action.recipient);
        }
    }
    return recipients;
}

const Verdict* quarantinedVerdict(const ContentDecision& decision) {
    for (const auto& recipient : decision.recipients) {
        if (recipient.verdict.action == VerdictAction::Quarantine) {
            return &recipient.verdict;
        }
    }
    return nullptr;
}

std::string headerValue(const ContentDecision& decision, std::string_view name) {
    if (!decision.message) {
        return "";
    }
    const MessageHeader* header = decision.message->firstHeader(name);
    return header ? header->value : "";
}

}  // namespace

std::string quarantineReason(const Verdict& verdict) {
    auto rule = verdict.reason.find("(rule ");
    if (rule != std::string::npos) {
        auto end = verdict.reason.find(')', rule);
        return verdict.reason.substr(rule + 1, end == std::string::npos ? end : end - rule - 1);
    }
    return "spam score " + formatSpamScore(verdict.score) + ": " + verdict.reason;
}

void tempfailQuarantined(ContentDecision& decision, const std::string& why) {
    for (auto& action : decision.plan.recipients) {
        if (action.kind == RecipientActionKind::Quarantine) {
            action.kind = RecipientActionKind::Tempfail;
            action.reply = temporaryFailureReply(
                "4.3.0", "Quarantine unavailable (" + why + "), try again later");
        }
    }
    decision.answer = decision.plan.collapse();
}

QuarantineWriter::QuarantineWriter(std::unique_ptr<QuarantineSpool> spool, std::string problem,
                                   std::shared_ptr<RedisClient> redis, Logger& logger,
                                   std::string node)
    : spool_(std::move(spool)),
      problem_(std::move(problem)),
      redis_(std::move(redis)),
      logger_(logger),
      node_(std::move(node)),
      index_([client = redis_](std::string_view name) {
          return client ? client->key(name) : std::string(name);
      }) {}

QuarantineEntry QuarantineWriter::entryFor(const ContentDecision& decision,
                                           const QuarantineHoldRequest& request,
                                           const std::vector<std::string>& recipients) const {
    const MessageEnvelope& envelope = *request.envelope;
    QuarantineEntry entry;
    entry.mailgate_id = request.mailgate_id;
    entry.queue_id = envelope.queue_id;
    entry.node = node_;
    entry.received = static_cast<std::int64_t>(std::time(nullptr));
    entry.envelope_sender = envelope.sender;
    entry.client_address = envelope.client_address;
    entry.client_name = envelope.client_name;
    entry.helo = envelope.helo;
    entry.message_id = headerValue(decision, "Message-ID");
    entry.subject = headerValue(decision, "Subject");
    const Verdict* verdict = quarantinedVerdict(decision);
    if (verdict != nullptr) {
        entry.score = verdict->score;
        entry.symbols = verdict->symbols;
        entry.reason = quarantineReason(*verdict);
    }
    for (const auto& recipient : recipients) {
        entry.recipients.push_back({recipient, RecipientQuarantined{}});
    }
    return entry;
}

std::string QuarantineWriter::hold(ContentDecision& decision,
                                   const QuarantineHoldRequest& request) {
    auto recipients = quarantinedRecipients(decision);
    if (recipients.empty()) {
        return "";
    }
    if (!spool_) {
        ++failures_;
        logger_.error(LogLine("quarantine_write_failed")
                          .add("queue_id", request.envelope->queue_id)
                          .add("mailgate_id", request.mailgate_id)
                          .add("kind", "no-spool")
                          .add("reason", problem_));
        tempfailQuarantined(decision, "no spool");
        return "";
    }
    auto stored = spool_->store(entryFor(decision, request, recipients), request.message);
    if (!stored) {
        ++failures_;
        bool full = stored.errorKind() == SpoolErrorKind::OverQuota;
        logger_.error(LogLine("quarantine_write_failed")
                          .add("queue_id", request.envelope->queue_id)
                          .add("mailgate_id", request.mailgate_id)
                          .add("kind", full ? "over-quota" : "write")
                          .add("reason", stored.error()));
        tempfailQuarantined(decision, full ? "quarantine full" : "write failed");
        return "";
    }
    ++held_;
    decision.answer = decision.plan.collapse();
    retryPending();
    indexLater(*stored);
    logger_.info(LogLine("quarantine_held")
                     .add("queue_id", request.envelope->queue_id)
                     .add("mailgate_id", request.mailgate_id)
                     .add("recipients", static_cast<std::uint64_t>(recipients.size()))
                     .add("size", stored->body_size)
                     .add("reason", stored->reason));
    return stored->mailgate_id;
}

void QuarantineWriter::indexLater(const QuarantineEntry& entry) {
    if (!redis_) {
        return;
    }
    auto commands = index_.indexCommands(entry);
    auto remaining = std::make_shared<std::atomic<std::size_t>>(commands.size());
    auto failed = std::make_shared<std::atomic<bool>>(false);
    for (auto& command : commands) {
        redis_->send(
            std::move(command), [this, entry, remaining, failed](Result<RedisReply> reply) {
                if (!reply || reply->isError()) {
                    failed->store(true);
                }
                if (remaining->fetch_sub(1) == 1 && failed->load()) {
                    logger_.warning(LogLine("quarantine_index_deferred")
                                        .add("mailgate_id", entry.mailgate_id)
                                        .add("reason", reply ? reply->text : reply.error()));
                    std::lock_guard lock(pending_mutex_);
                    if (pending_.size() < kMostPending) {
                        pending_.push_back(entry);
                    }
                }
            });
    }
}

void QuarantineWriter::retryPending() {
    std::vector<QuarantineEntry> retry;
    {
        std::lock_guard lock(pending_mutex_);
        retry.swap(pending_);
    }
    for (const auto& entry : retry) {
        indexLater(entry);
    }
}

}  // namespace mailgate
