// The daemons' batching, fire-and-forget tracking writer (see MessageTracker.hpp).
#include "gateway/tracking/MessageTracker.hpp"

#include "gateway/store/RedisClient.hpp"
#include "gateway/tracking/DecisionRecords.hpp"

namespace mailgate {

struct MessageTracker::OwnThread {
    boost::asio::io_context io;
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work =
        boost::asio::make_work_guard(io);
    boost::asio::steady_timer linger{io};  // used on the io thread only
    std::thread thread;
};

std::shared_ptr<MessageTracker> MessageTracker::withOwnConnection(
    const RedisSettings& settings, Logger& logger, std::shared_ptr<Counters> counters,
    std::string node) {
    auto own = std::make_unique<OwnThread>();
    auto redis = RedisClient::create(own->io, settings, logger);
    redis->reportOutages(false);  // the process's main client reports them, once
    auto tracker = std::make_shared<MessageTracker>(std::move(redis), logger, std::move(counters),
                                                    std::move(node));
    own->thread = std::thread([io = &own->io] { io->run(); });
    tracker->own_ = std::move(own);
    return tracker;
}

MessageTracker::MessageTracker(std::shared_ptr<RedisClient> redis, Logger& logger,
                               std::shared_ptr<Counters> counters, std::string node)
    : redis_(std::move(redis)),
      logger_(logger),
      counters_(std::move(counters)),
      node_(std::move(node)) {}

MessageTracker::~MessageTracker() {
    if (!own_) {
        return;
    }
    redis_->stop();
    own_->work.reset();
    own_->io.stop();
    if (own_->thread.get_id() == std::this_thread::get_id()) {
        // The last reference went in one of its own handlers (at exit): that thread is
        // inside io.run(), so the io_context must outlive this; it is left to the exit.
        own_->thread.detach();
        static_cast<void>(own_.release());
        return;
    }
    if (own_->thread.joinable()) {
        own_->thread.join();
    }
    redis_.reset();  // its sockets and timers belong to own_->io, destroyed next
}

void MessageTracker::record(const TrackingSettings& settings, TrackingRecord record) {
    if (!settings.enabled || !redis_) {
        return;
    }
    if (record.time_ms == 0) {
        record.time_ms = trackingNowMs();
    }
    record.node = node_;
    EncodedTrackingRecord encoded = encodeForTracking(record);
    Batch batch;
    {
        std::lock_guard lock(mutex_);
        if (queue_.size() >= kMaxQueued) {
            lose(1, "queue full");
            return;
        }
        queue_.push_back(std::move(encoded));
        settings_ = settings;
        if (in_flight_) {
            return;  // goes when this call is answered
        }
        if (!sendsNowLocked()) {
            lingerLocked();
            return;
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

bool MessageTracker::sendsNowLocked() const {
    return !own_ || queue_.size() >= kMaxBatch;
}

void MessageTracker::lingerLocked() {
    if (lingering_) {
        return;
    }
    lingering_ = true;
    boost::asio::post(own_->io, [weak = weak_from_this()] {
        auto self = weak.lock();
        if (!self) {
            return;
        }
        self->own_->linger.expires_after(kLinger);
        self->own_->linger.async_wait([weak](boost::system::error_code error) {
            auto tracker = weak.lock();
            if (tracker && !error) {
                tracker->onLingerEnd();
            }
        });
    });
}

void MessageTracker::onLingerEnd() {
    Batch batch;
    {
        std::lock_guard lock(mutex_);
        lingering_ = false;
        if (in_flight_ || queue_.empty()) {
            return;
        }
        batch = takeBatchLocked();
    }
    send(std::move(batch));
}

MessageTracker::Batch MessageTracker::takeBatchLocked() {
    Batch batch;
    batch.command = trackingAppendCommand(redis_->key(""), settings_);
    if (!script_loaded_) {
        withScriptText(batch.command);  // EVAL loads it: later calls send only its SHA
    }
    while (!queue_.empty() && batch.records < kMaxBatch) {
        addTrackingRecord(batch.command, std::move(queue_.front()));
        queue_.pop_front();
        ++batch.records;
    }
    in_flight_ = true;
    return batch;
}

// Never under the lock: the client may answer at once, on this thread (Redis down).
void MessageTracker::send(Batch batch) {
    // A weak reference: the tracker may be going away with its own I/O thread.
    redis_->send(std::move(batch.command),
                 [weak = weak_from_this(), records = batch.records](Result<RedisReply> reply) {
                     if (auto self = weak.lock()) {
                         self->onAnswer(records, std::move(reply));
                     }
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
        if (!sendsNowLocked()) {
            lingerLocked();
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
