// MessageTracker: the daemons' writer of tracking records, a process-lifetime service
// (Services::tracker). record() encodes the record, queues it and returns: the reply to
// the MTA never waits for Redis. The daemons give it a Redis connection and an I/O thread
// of its own (withOwnConnection), so its writes never queue in front of greylisting's or
// the content stage's commands, nor take their thread's time. There it collects records
// for kLinger (or until kMaxBatch) and writes them as one batch, one call in flight at a
// time: under load a batch costs one round trip and one Stream entry for many records.
// A call Redis does not take (down, slow, an error reply) loses its records and those
// waiting behind it: counted (tracking_records_lost) and logged at debug, never retried,
// never a delay or a failure of mail; the queue is bounded, and a record that finds it
// full is lost the same way. It does not read records (TrackingQuery does).
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "gateway/config/Config.hpp"
#include "gateway/engine/Counters.hpp"
#include "gateway/log/Logger.hpp"
#include "gateway/store/RedisReply.hpp"
#include "gateway/tracking/TrackingRecord.hpp"
#include "gateway/tracking/TrackingStore.hpp"
#include "gateway/util/Result.hpp"

namespace mailgate {

class RedisClient;
struct ContentDecision;
struct MessageEnvelope;

class MessageTracker : public std::enable_shared_from_this<MessageTracker> {
  public:
    static constexpr std::size_t kMaxBatch = 64;
    static constexpr std::size_t kMaxQueued = 10000;
    static constexpr std::chrono::milliseconds kLinger{10};

    // `node` names this gateway in its records (the host name). Writes through `redis`,
    // whose io_context someone else runs (tests).
    MessageTracker(std::shared_ptr<RedisClient> redis, Logger& logger,
                   std::shared_ptr<Counters> counters, std::string node);
    // The daemons' writer: its own connection to the config's Redis, on its own thread,
    // both ended when the tracker is destroyed.
    static std::shared_ptr<MessageTracker> withOwnConnection(const RedisSettings& settings,
                                                             Logger& logger,
                                                             std::shared_ptr<Counters> counters,
                                                             std::string node);
    ~MessageTracker();
    MessageTracker(const MessageTracker&) = delete;
    MessageTracker& operator=(const MessageTracker&) = delete;

    // Queues the record unless the snapshot's tracking.enabled is off; stamps the node
    // and, when unset, the time. Safe from any thread.
    void record(const TrackingSettings& settings, TrackingRecord record);
    // The content stage's decision about one message (the milter's one call).
    void recordContentDecision(const Config& config, const MessageEnvelope& envelope,
                               const std::string& mailgateId, const ContentDecision& decision);

    std::uint64_t written() const { return written_.load(); }
    std::uint64_t lost() const { return lost_.load(); }

  private:
    struct Batch {
        std::vector<std::string> command;
        std::size_t records = 0;
    };

    Batch takeBatchLocked();
    void send(Batch batch);
    // With its own thread: a batch is sent when full, else after kLinger; without (tests),
    // at once.
    bool sendsNowLocked() const;
    void lingerLocked();
    void onLingerEnd();
    void onAnswer(std::size_t records, Result<RedisReply> reply);
    void lose(std::size_t records, const std::string& reason);

    struct OwnThread;  // withOwnConnection's io_context and thread

    std::unique_ptr<OwnThread> own_;  // declared first: destroyed after redis_ stops
    std::shared_ptr<RedisClient> redis_;
    Logger& logger_;
    std::shared_ptr<Counters> counters_;
    std::string node_;
    std::mutex mutex_;
    std::deque<EncodedTrackingRecord> queue_;
    TrackingSettings settings_;  // the latest record's bounds, for the next call
    bool in_flight_ = false;
    bool lingering_ = false;      // a timer will send what is queued
    bool script_loaded_ = false;  // false: the next call sends the script's text (EVAL)
    std::atomic<std::uint64_t> written_{0};
    std::atomic<std::uint64_t> lost_{0};
};

}  // namespace mailgate
