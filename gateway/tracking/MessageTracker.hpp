// MessageTracker: the daemons' writer of tracking records, a process-lifetime service
// (Services::tracker). record() encodes the record and returns: the reply to the MTA
// never waits for Redis. One append script call is in flight at a time; records that
// arrive meanwhile wait in a queue and go together in the next call (at most
// kMaxBatch), so under load many records cost one round trip and one script run, and
// when idle a record goes at once. A call Redis does not take (down, slow, an error
// reply) loses its records and those waiting behind it: counted (tracking_records_lost)
// and logged at debug, never retried, never a delay or a failure of mail; the queue is
// bounded, and a record that finds it full is lost the same way. It does not read
// records (TrackingQuery does).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "gateway/config/Config.hpp"
#include "gateway/engine/Counters.hpp"
#include "gateway/log/Logger.hpp"
#include "gateway/store/RedisReply.hpp"
#include "gateway/tracking/TrackingRecord.hpp"
#include "gateway/util/Result.hpp"

namespace mailgate {

class RedisClient;
struct ContentDecision;
struct MessageEnvelope;

class MessageTracker : public std::enable_shared_from_this<MessageTracker> {
  public:
    static constexpr std::size_t kMaxBatch = 32;
    static constexpr std::size_t kMaxQueued = 10000;

    // `node` names this gateway in its records (the host name).
    MessageTracker(std::shared_ptr<RedisClient> redis, Logger& logger,
                   std::shared_ptr<Counters> counters, std::string node);

    // Queues the record unless the snapshot's tracking.enabled is off; stamps the node
    // and, when unset, the time. Safe from any thread.
    void record(const TrackingSettings& settings, TrackingRecord record);
    // The content stage's decision about one message (the milter's one call).
    void recordContentDecision(const Config& config, const MessageEnvelope& envelope,
                               const std::string& mailgateId, const ContentDecision& decision);

    std::uint64_t written() const { return written_.load(); }
    std::uint64_t lost() const { return lost_.load(); }

  private:
    struct Queued {
        std::vector<std::string> arguments;  // addTrackingRecord's part of the command
    };

    struct Batch {
        std::vector<std::string> command;
        std::size_t records = 0;
    };

    Batch takeBatchLocked();
    void send(Batch batch);
    void onAnswer(std::size_t records, Result<RedisReply> reply);
    void lose(std::size_t records, const std::string& reason);

    std::shared_ptr<RedisClient> redis_;
    Logger& logger_;
    std::shared_ptr<Counters> counters_;
    std::string node_;
    std::mutex mutex_;
    std::deque<Queued> queue_;
    TrackingSettings settings_;  // the latest record's bounds, for the next call
    bool in_flight_ = false;
    bool script_loaded_ = false;  // false: the next call sends the script's text (EVAL)
    std::atomic<std::uint64_t> written_{0};
    std::atomic<std::uint64_t> lost_{0};
};

}  // namespace mailgate
