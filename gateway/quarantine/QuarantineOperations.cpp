// The quarantine's operations (see QuarantineOperations.hpp).
#include "gateway/quarantine/QuarantineOperations.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <random>
#include <set>

#include "gateway/config/SocketAddress.hpp"
#include "gateway/log/LogLine.hpp"
#include "gateway/quarantine/ReleasedCopy.hpp"
#include "gateway/smtp/SmtpDelivery.hpp"
#include "gateway/tracking/TrackingStore.hpp"
#include "gateway/util/AsciiCase.hpp"
#include "gateway/util/RunBlocking.hpp"

namespace mailgate {
namespace {

using Kind = RecipientOutcome::Kind;

// A search reads at most this many candidates from the set it starts from.
constexpr std::size_t kMostCandidates = 20000;
constexpr std::size_t kReadBatch = 500;

std::string claimToken() {
    std::random_device random;
    std::string token;
    const char* digits = "0123456789abcdef";
    for (int index = 0; index < 32; ++index) {
        token += digits[random() % 16];
    }
    return token;
}

bool isHeld(const RecipientStatus& status) {
    return std::holds_alternative<RecipientQuarantined>(status) ||
           std::holds_alternative<RecipientReleasing>(status);
}

std::string describeDone(const RecipientStatus& status) {
    if (const auto* released = std::get_if<RecipientReleased>(&status)) {
        return "released by " + released->by + " at " + std::to_string(released->time);
    }
    if (const auto* deleted = std::get_if<RecipientDeleted>(&status)) {
        return "deleted by " + deleted->by + " at " + std::to_string(deleted->time);
    }
    return "";
}

QuarantineRecipient* recipientNamed(QuarantineEntry& entry, const std::string& address) {
    for (auto& recipient : entry.recipients) {
        if (equalsIgnoreCase(recipient.address, address)) {
            return &recipient;
        }
    }
    return nullptr;
}

std::vector<std::string> heldRecipients(const QuarantineEntry& entry) {
    std::vector<std::string> held;
    for (const auto& recipient : entry.recipients) {
        if (isHeld(recipient.status)) {
            held.push_back(recipient.address);
        }
    }
    return held;
}

SmtpClientSettings releaseClientSettings(const QuarantineSettings& settings,
                                         const std::string& node) {
    SmtpClientSettings client;
    client.helo_name = settings.release_helo.empty() ? node : settings.release_helo;
    client.connect_timeout_ms = settings.release_timeout_ms;
    client.greeting_timeout_ms = settings.release_timeout_ms;
    client.command_timeout_ms = settings.release_timeout_ms;
    client.data_block_timeout_ms = settings.release_timeout_ms;
    client.final_dot_timeout_ms = settings.release_timeout_ms;
    client.tls = SmtpTlsMode::Off;
    return client;
}

std::string refusalOf(const SmtpDeliveryReport& report, const std::string& recipient) {
    for (const auto& answer : report.recipients) {
        if (equalsIgnoreCase(answer.recipient, recipient) && answer.reply &&
            !answer.reply->success()) {
            return "rcpt: " + answer.reply->toString();
        }
    }
    if (report.failure) {
        return report.failure->toString();
    }
    if (report.final_reply) {
        return "final dot: " + report.final_reply->toString();
    }
    return "not delivered";
}

}  // namespace

const char* recipientOutcomeName(RecipientOutcome::Kind kind) {
    switch (kind) {
        case Kind::Done:
            return "done";
        case Kind::AlreadyDone:
            return "already-done";
        case Kind::Busy:
            return "busy";
        case Kind::Failed:
            return "failed";
        case Kind::NotHere:
            return "on-another-node";
        case Kind::NoSuchRecipient:
            return "no-such-recipient";
        case Kind::NoSuchEntry:
            return "no-such-entry";
    }
    return "failed";
}

std::string quarantineNodeName(const QuarantineSettings& settings) {
    if (!settings.node.empty()) {
        return settings.node;
    }
    char name[256] = {};
    if (gethostname(name, sizeof name - 1) != 0 || name[0] == '\0') {
        return "localhost";
    }
    return name;
}

QuarantineOperations::QuarantineOperations(const Config& config, QuarantineSpool* spool,
                                           RedisConnection& redis, Logger& logger)
    : config_(config),
      spool_(spool),
      redis_(redis),
      logger_(logger),
      index_([&redis](std::string_view name) { return redis.key(name); }),
      node_(quarantineNodeName(config.quarantine)) {}

Result<void> QuarantineOperations::send(const std::vector<RedisCommand>& commands) {
    auto replies = redis_.pipeline(commands);
    if (!replies) {
        return makeError(replies.error());
    }
    for (const auto& reply : *replies) {
        if (reply.isError()) {
            return makeError("redis refused a command: " + reply.text);
        }
    }
    return {};
}

Result<void> QuarantineOperations::index(const QuarantineEntry& entry) {
    return send(index_.indexCommands(entry));
}

Result<QuarantinePage> QuarantineOperations::search(const QuarantineQuery& query) {
    auto candidates = redis_.command(index_.candidatesCommand(query, kMostCandidates));
    if (!candidates) {
        return makeError(candidates.error());
    }
    if (candidates->isError()) {
        return makeError("redis refused the search: " + candidates->text);
    }
    QuarantinePage page;
    std::size_t matched = 0;
    const auto& ids = candidates->elements;
    for (std::size_t start = 0; start < ids.size() && !page.more; start += kReadBatch) {
        std::vector<RedisCommand> reads;
        for (std::size_t index = start; index < std::min(ids.size(), start + kReadBatch); ++index) {
            reads.push_back(index_.readCommand(ids[index].text));
        }
        auto replies = redis_.pipeline(reads);
        if (!replies) {
            return makeError(replies.error());
        }
        for (std::size_t index = 0; index < replies->size(); ++index) {
            ++page.examined;
            auto summary = QuarantineIndex::summaryFrom(ids[start + index].text, (*replies)[index]);
            if (!summary || !QuarantineIndex::matches(query, *summary)) {
                continue;
            }
            if (matched++ < query.offset) {
                continue;
            }
            if (page.entries.size() == query.limit) {
                page.more = true;
                break;
            }
            page.entries.push_back(std::move(*summary));
        }
    }
    return page;
}

Result<QuarantineEntry> QuarantineOperations::show(const std::string& id) {
    if (spool_ != nullptr) {
        auto entry = spool_->load(id);
        if (entry) {
            return std::move(*entry);
        }
        if (entry.errorKind() != SpoolErrorKind::NotFound) {
            return makeError(entry.error());
        }
    }
    auto reply = redis_.command(index_.readCommand(id));
    if (!reply) {
        return makeError("not in this node's spool, and the index cannot be read: " +
                         reply.error());
    }
    auto summary = QuarantineIndex::summaryFrom(id, *reply);
    if (!summary) {
        return makeError("no quarantine entry " + id);
    }
    QuarantineEntry entry;
    entry.mailgate_id = summary->id;
    entry.node = summary->node;
    entry.received = summary->received;
    entry.envelope_sender = summary->sender;
    entry.subject = summary->subject;
    entry.score = summary->score;
    entry.reason = summary->reason;
    entry.body_size = summary->size;
    entry.recipients = summary->recipients;
    return entry;
}

std::vector<RecipientOutcome> QuarantineOperations::notHere(
    const std::string& id, const std::vector<std::string>& recipients) {
    RecipientOutcome outcome;
    outcome.recipient = recipients.empty() ? "*" : recipients.front();
    outcome.kind = Kind::NoSuchEntry;
    outcome.detail = "no quarantine entry " + id;
    auto reply = redis_.command(index_.readCommand(id));
    if (reply) {
        if (auto summary = QuarantineIndex::summaryFrom(id, *reply);
            summary && summary->node != node_) {
            outcome.kind = Kind::NotHere;
            outcome.detail = "held on node " + summary->node + ": run this there";
        }
    } else {
        outcome.detail +=
            " in this node's spool (the index, which could name its node, is "
            "unavailable: " +
            reply.error() + ")";
    }
    std::vector<RecipientOutcome> outcomes;
    for (const auto& recipient : recipients.empty() ? std::vector<std::string>{"*"} : recipients) {
        outcome.recipient = recipient;
        outcomes.push_back(outcome);
    }
    return outcomes;
}

void QuarantineOperations::record(const std::string& id, const QuarantineRecipient& recipient) {
    auto done = redis_.command(index_.statusCommand(id, recipient.address, recipient.status));
    if (!done) {
        logger_.warning(LogLine("quarantine_index_unavailable")
                            .add("mailgate_id", id)
                            .add("recipient", recipient.address)
                            .add("reason", done.error())
                            .add("hint", "mailgatectl quarantine reindex"));
    }
}

void QuarantineOperations::log(const char* event, const QuarantineEntry& entry,
                               const RecipientOutcome& outcome, const std::string& actor) {
    logger_.info(LogLine(event)
                     .add("mailgate_id", entry.mailgate_id)
                     .add("recipient", outcome.recipient)
                     .add("by", actor)
                     .add("result", recipientOutcomeName(outcome.kind))
                     .add("detail", outcome.detail));
    bool release = std::string_view(event) == "quarantine_release";
    if (!config_.tracking.enabled ||
        (outcome.kind != Kind::Done && !(release && outcome.kind == Kind::Failed))) {
        return;
    }
    TrackingAction action = !release                     ? TrackingAction::Deleted
                            : outcome.kind == Kind::Done ? TrackingAction::Released
                                                         : TrackingAction::ReleaseFailed;
    TrackingRecord record;
    record.time_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    record.node = node_;
    record.stage = TrackingStage::Quarantine;
    record.protocol_state = release ? "release" : "delete";
    record.queue_id = entry.queue_id;
    record.mailgate_id = entry.mailgate_id;
    record.message_id = normalizedMessageId(entry.message_id);
    record.client_address = entry.client_address;
    record.sender = entry.envelope_sender;
    record.recipients = {TrackedRecipient{outcome.recipient, action}};
    record.action = action;
    record.reply = outcome.detail;
    record.reason = entry.reason;
    record.actor = actor;
    if (auto written = appendTrackingRecord(redis_, config_.tracking, record); !written) {
        logger_.warning(LogLine("tracking_record_lost")
                            .add("mailgate_id", entry.mailgate_id)
                            .add("reason", written.error()));
    }
}

std::vector<RecipientOutcome> QuarantineOperations::release(const std::string& id,
                                                            std::vector<std::string> recipients,
                                                            const std::string& actor) {
    if (spool_ == nullptr) {
        return notHere(id, recipients);
    }
    auto loaded = spool_->load(id);
    if (!loaded) {
        if (loaded.errorKind() == SpoolErrorKind::NotFound ||
            loaded.errorKind() == SpoolErrorKind::InvalidId) {
            return notHere(id, recipients);
        }
        return {RecipientOutcome{"*", Kind::Failed, loaded.error()}};
    }
    QuarantineEntry entry = std::move(*loaded);
    if (recipients.empty()) {
        recipients = heldRecipients(entry);
    }
    std::vector<RecipientOutcome> outcomes;
    std::vector<std::string> claimed;
    std::string token = claimToken();
    std::int64_t now = static_cast<std::int64_t>(std::time(nullptr));
    std::int64_t expires = now + config_.quarantine.release_claim_s;
    for (const auto& wanted : recipients) {
        QuarantineRecipient* recipient = recipientNamed(entry, wanted);
        if (recipient == nullptr) {
            outcomes.push_back({wanted, Kind::NoSuchRecipient, "not a recipient of " + id});
            continue;
        }
        if (!isHeld(recipient->status)) {
            outcomes.push_back(
                {recipient->address, Kind::AlreadyDone, describeDone(recipient->status)});
            continue;
        }
        auto claim =
            redis_.command(index_.claimCommand(id, recipient->address, token, now, expires));
        if (claim && claim->text == "missing") {  // the index lost it: put it back first
            if (index(entry)) {
                claim = redis_.command(
                    index_.claimCommand(id, recipient->address, token, now, expires));
            }
        }
        if (!claim || claim->isError()) {
            outcomes.push_back({recipient->address, Kind::Failed,
                                "cannot claim the copy in Redis, nothing sent: " +
                                    (claim ? claim->text : claim.error())});
        } else if (claim->text == "claimed") {
            claimed.push_back(recipient->address);
        } else if (claim->text == "busy") {
            outcomes.push_back(
                {recipient->address, Kind::Busy, "another release of this copy is under way"});
        } else {
            outcomes.push_back(
                {recipient->address, Kind::AlreadyDone, "the index says " + claim->text});
        }
    }
    if (!claimed.empty()) {
        auto delivered = std::vector<RecipientOutcome>{};
        auto body = spool_->body(id);
        if (!body) {
            for (const auto& address : claimed) {
                (void)redis_.command(index_.unclaimCommand(id, address, token));
                outcomes.push_back({address, Kind::Failed, body.error()});
            }
        } else {
            auto server = parseSmtpServerAddress(config_.quarantine.release_server);
            std::string copy = releasedCopy(*body, actor, now, id);
            SmtpDeliveryReport report;
            if (server) {
                report = runBlocking(deliverMessage(
                    releaseClientSettings(config_.quarantine, node_),
                    SmtpServer{server->host, server->port}, entry.envelope_sender, claimed, copy));
            }
            for (const auto& address : claimed) {
                if (!server || !report.deliveredTo(address)) {
                    (void)redis_.command(index_.unclaimCommand(id, address, token));
                    outcomes.push_back({address, Kind::Failed,
                                        server ? refusalOf(report, address) : server.error()});
                    continue;
                }
                RecipientReleased released{now, actor, report.final_reply->toString()};
                auto written = spool_->updateRecipients(
                    id, [&](std::vector<QuarantineRecipient>& all) -> Result<void> {
                        for (auto& one : all) {
                            if (equalsIgnoreCase(one.address, address)) {
                                one.status = released;
                            }
                        }
                        return {};
                    });
                std::string detail = released.server_reply;
                if (!written) {
                    detail +=
                        " (delivered, but the spool could not record it: " + written.error() + ")";
                }
                record(id, QuarantineRecipient{address, released});
                outcomes.push_back({address, Kind::Done, detail});
            }
        }
    }
    for (const auto& outcome : outcomes) {
        log("quarantine_release", entry, outcome, actor);
    }
    return outcomes;
}

std::vector<RecipientOutcome> QuarantineOperations::remove(const std::string& id,
                                                           std::vector<std::string> recipients,
                                                           const std::string& actor, bool purge) {
    if (spool_ == nullptr) {
        return notHere(id, recipients);
    }
    auto loaded = spool_->load(id);
    if (!loaded) {
        if (loaded.errorKind() == SpoolErrorKind::NotFound ||
            loaded.errorKind() == SpoolErrorKind::InvalidId) {
            return notHere(id, recipients);
        }
        return {RecipientOutcome{"*", Kind::Failed, loaded.error()}};
    }
    if (recipients.empty()) {
        recipients = heldRecipients(*loaded);
    }
    std::vector<RecipientOutcome> outcomes;
    std::int64_t now = static_cast<std::int64_t>(std::time(nullptr));
    RecipientDeleted deleted{now, actor};
    auto written =
        spool_->updateRecipients(id, [&](std::vector<QuarantineRecipient>& all) -> Result<void> {
            outcomes.clear();
            for (const auto& wanted : recipients) {
                auto found = std::find_if(all.begin(), all.end(), [&](const auto& one) {
                    return equalsIgnoreCase(one.address, wanted);
                });
                if (found == all.end()) {
                    outcomes.push_back({wanted, Kind::NoSuchRecipient, "not a recipient of " + id});
                } else if (std::holds_alternative<RecipientReleasing>(found->status) &&
                           std::get<RecipientReleasing>(found->status).claim_expires > now) {
                    outcomes.push_back({found->address, Kind::Busy, "a release is under way"});
                } else if (!isHeld(found->status)) {
                    outcomes.push_back(
                        {found->address, Kind::AlreadyDone, describeDone(found->status)});
                } else {
                    found->status = deleted;
                    outcomes.push_back({found->address, Kind::Done, ""});
                }
            }
            return {};
        });
    if (!written) {
        return {RecipientOutcome{"*", Kind::Failed, written.error()}};
    }
    for (const auto& outcome : outcomes) {
        if (outcome.kind == Kind::Done) {
            record(id, QuarantineRecipient{outcome.recipient, deleted});
        }
        log("quarantine_delete", *loaded, outcome, actor);
    }
    if (purge && heldRecipients(*written).empty()) {
        QuarantineSummary summary;
        summary.id = id;
        summary.sender = written->envelope_sender;
        summary.subject = written->subject;
        summary.reason = written->reason;
        summary.recipients = written->recipients;
        auto removed = spool_->remove(id);
        auto unindexed = send(index_.removeCommands(summary));
        logger_.info(LogLine("quarantine_purge")
                         .add("mailgate_id", id)
                         .add("by", actor)
                         .add("spool", removed ? "removed" : removed.error())
                         .add("index", unindexed ? "removed" : unindexed.error()));
    }
    return outcomes;
}

}  // namespace mailgate
