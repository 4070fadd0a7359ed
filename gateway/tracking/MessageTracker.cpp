// The daemons' batching, fire-and-forget tracking writer (see MessageTracker.hpp).
#include "gateway/tracking/MessageTracker.hpp"

#include "gateway/store/RedisClient.hpp"
#include "gateway/tracking/DecisionRecords.hpp"
#include "gateway/tracking/TrackingStore.hpp"

namespace mailgate {

MessageTracker::MessageTracker(std::shared_ptr<RedisClient> redis, Logger& logger,
                               std::shared_ptr<Counters> counters, std::string node)
    : redis_(std::move(redis)),
      logger_(logger),
      counters_(std::move(counters)),
      node_(std::move(node)) {}

void MessageTracker::record(const TrackingSettings& settings, TrackingRecord record) {
    if (!settings.enabled || !redis_) {
        return;
    }
    if (record.time_ms == 0) {
        record.time_ms = trackingNowMs();
    }
    record.node = node_;
    Queued queued;
    addTrackingRecord(queued.arguments, record);
    Batch batch;
    {
        std::lock_guard lock(mutex_);
        if (queue_.size() >= kMaxQueued) {
            lose(1, "queue full");
            return;
        }
        queue_.push_back(std::move(queued));
        settings_ = settings;
        if (in_flight_) {
            return;  // goes with the next call, when this one is answered
        }
        batch = takeBatchLocked();
    }
    send(std::move(batch));
}

void MessageTracker::recordContentDecision(const Config& config, const MessageEnvelope& envelope,
                                           const std::string& mailgateId,
                                           const ContentDecision& decision) {
    if (config.tracking.enabled) {
        record(config.tracking, contentDecisionRecord(envelope, mailgateId, decision));
    }
}

MessageTracker::Batch MessageTracker::takeBatchLocked() {
    Batch batch;
    batch.command = trackingAppendCommand(redis_->key(""), settings_);
    auto& command = batch.command;
    if (!script_loaded_) {
        withScriptText(command);  // EVAL loads it: later calls send only its SHA
    }
    while (!queue_.empty() && batch.records < kMaxBatch) {
        for (auto& argument : queue_.front().arguments) {
            command.push_back(std::move(argument));
        }
        queue_.pop_front();
        ++batch.records;
    }
    in_flight_ = true;
    return batch;
}

// Never under the lock: the client may answer at once, on this thread (Redis down).
void MessageTracker::send(Batch batch) {
    redis_->send(std::move(batch.command),
                 [self = shared_from_this(), records = batch.records](Result<RedisReply> reply) {
                     self->onAnswer(records, std::move(reply));
                 });
}

void MessageTracker::onAnswer(std::size_t records, Result<RedisReply> reply) {
    Batch batch;
    {
        std::lock_guard lock(mutex_);
        in_flight_ = false;
        if (!reply || reply->isError()) {
            // After a Redis restart the script is gone: the next call loads it again.
            script_loaded_ = script_loaded_ && !(reply && isNoScriptReply(*reply));
            // What waited for this call is lost with it: Redis is down or refusing, and
            // trying each record in turn would only make a failing Redis busier.
            lose(records + queue_.size(), reply ? reply->text : reply.error());
            queue_.clear();
            return;
        }
        script_loaded_ = true;
        written_ += records;
        if (queue_.empty()) {
            return;
        }
        batch = takeBatchLocked();
    }
    send(std::move(batch));
}

void MessageTracker::lose(std::size_t records, const std::string& reason) {
    lost_ += records;
    if (counters_) {
        for (std::size_t i = 0; i < records; ++i) {
            counters_->increment("tracking_records_lost");
        }
    }
    if (logger_.enabled(LogLevel::Debug)) {
        logger_.debug(LogLine("tracking_records_lost")
                          .add("records", static_cast<std::uint64_t>(records))
                          .add("reason", reason));
    }
}

}  // namespace mailgate
