// Tests of tracking records against a real redis-server (E2): appended records are found
// by each identifier and by time, in time order; the size and time bounds remove the
// oldest records (a dangling index entry is skipped); an unreadable record is skipped and
// reported; the asynchronous writer's records arrive without anyone waiting, and a
// Redis that is down loses them (counted) instead of failing.
#include <gtest/gtest.h>

#include <thread>

#include "gateway/config/SettingSpec.hpp"
#include "gateway/store/RedisClient.hpp"
#include "gateway/store/RedisConnection.hpp"
#include "gateway/tracking/MessageTracker.hpp"
#include "gateway/tracking/TrackingQuery.hpp"
#include "gateway/tracking/TrackingStore.hpp"
#include "tests/support/QuietLogger.hpp"
#include "tests/support/RedisServerProcess.hpp"

using namespace mailgate;
using mailgate::testing::quietLogger;
using mailgate::testing::RedisServerProcess;

namespace {

RedisSettings settingsFor(int port) {
    RedisSettings settings = defaultConfig().redis;
    settings.port = port;
    return settings;
}

TrackingSettings bounds(std::int64_t maxRecords, std::int64_t retentionDays = 30) {
    TrackingSettings settings;
    settings.enabled = true;
    settings.max_records = maxRecords;
    settings.retention_days = retentionDays;
    return settings;
}

TrackingRecord policyRecord(std::string sender, std::string recipient, TrackingAction action) {
    TrackingRecord record;
    record.time_ms = trackingNowMs();
    record.stage = TrackingStage::Policy;
    record.protocol_state = "RCPT";
    record.client_address = "192.0.2.1";
    record.sender = std::move(sender);
    record.recipients = {{std::move(recipient), action}};
    record.action = action;
    return record;
}

TrackingRecord messageRecord(std::string queueId, std::string sender, std::string recipient) {
    TrackingRecord record =
        policyRecord(std::move(sender), std::move(recipient), TrackingAction::Delivered);
    record.stage = TrackingStage::Content;
    record.protocol_state = "END-OF-MESSAGE";
    record.queue_id = std::move(queueId);
    record.mailgate_id = "MG-" + record.queue_id;
    record.message_id = record.queue_id + "@example.org";
    record.score = 1.0;
    return record;
}

// Appends each record in turn; false at the first one Redis refused.
bool appendAll(RedisConnection& redis, const TrackingSettings& settings,
               const std::vector<TrackingRecord>& records) {
    for (const auto& record : records) {
        if (auto appended = appendTrackingRecord(redis, settings, record); !appended) {
            ADD_FAILURE() << appended.error();
            return false;
        }
    }
    return true;
}

template <class Set>
TrackingQuery queryWith(Set set) {
    TrackingQuery query;
    set(query);
    return query;
}

std::int64_t count(RedisConnection& redis, std::vector<std::string> command) {
    auto reply = redis.command(command);
    EXPECT_TRUE(reply.ok());
    return reply ? reply->integer : -1;
}

}  // namespace

TEST(TrackingStore, RecordsAreFoundByEachIdentifierInTimeOrder) {
    RedisServerProcess server;
    RedisConnection redis(settingsFor(server.port()), quietLogger());
    ASSERT_TRUE(
        appendAll(redis, bounds(1000),
                  {policyRecord("a@example.org", "b@example.net", TrackingAction::Greylisted),
                   policyRecord("a@example.org", "b@example.net", TrackingAction::Accepted),
                   messageRecord("Q1", "a@example.org", "b@example.net"),
                   messageRecord("Q2", "z@example.org", "y@example.net")}));

    TrackingQuery bySender;
    bySender.sender = "A@example.org";
    auto answer = queryTrackingRecords(redis, bySender);
    ASSERT_TRUE(answer.ok()) << answer.error();
    ASSERT_EQ(answer->entries.size(), 3u);
    EXPECT_EQ(answer->entries[0].record.action, TrackingAction::Greylisted);
    EXPECT_EQ(answer->entries[1].record.action, TrackingAction::Accepted);
    EXPECT_EQ(answer->entries[2].record.queue_id, "Q1");

    for (const auto& query :
         {queryWith([](TrackingQuery& q) { q.queue_id = "Q2"; }),
          queryWith([](TrackingQuery& q) { q.mailgate_id = "MG-Q2"; }),
          queryWith([](TrackingQuery& q) { q.message_id = "<Q2@example.org>"; }),
          queryWith([](TrackingQuery& q) { q.recipient = "y@example.net"; })}) {
        auto found = queryTrackingRecords(redis, query);
        ASSERT_TRUE(found.ok()) << found.error();
        ASSERT_EQ(found->entries.size(), 1u);
        EXPECT_EQ(found->entries[0].record.queue_id, "Q2");
    }
    TrackingQuery everything;
    everything.limit = 3;
    auto newest = queryTrackingRecords(redis, everything);
    ASSERT_TRUE(newest.ok());
    ASSERT_EQ(newest->entries.size(), 3u);
    EXPECT_TRUE(newest->truncated);
    EXPECT_EQ(newest->entries.back().record.queue_id, "Q2");
}

TEST(TrackingStore, AQueueIdBringsThePolicyDecisionsOfTheSameTransaction) {
    RedisServerProcess server;
    RedisConnection redis(settingsFor(server.port()), quietLogger());
    auto other = policyRecord("a@example.org", "b@example.net", TrackingAction::Accepted);
    other.client_address = "198.51.100.1";  // another client: not this message's story
    ASSERT_TRUE(
        appendAll(redis, bounds(1000),
                  {other, policyRecord("a@example.org", "b@example.net", TrackingAction::Accepted),
                   messageRecord("Q1", "a@example.org", "b@example.net")}));
    TrackingQuery query;
    query.queue_id = "Q1";
    auto answer = queryTrackingRecords(redis, query);
    ASSERT_TRUE(answer.ok()) << answer.error();
    ASSERT_EQ(answer->entries.size(), 2u);
    EXPECT_TRUE(answer->entries[0].related);
    EXPECT_EQ(answer->entries[0].record.client_address, "192.0.2.1");
    EXPECT_EQ(answer->entries[1].record.queue_id, "Q1");
    query.related = false;
    EXPECT_EQ(queryTrackingRecords(redis, query)->entries.size(), 1u);
}

TEST(TrackingStore, TheSizeBoundRemovesTheOldestRecords) {
    RedisServerProcess server;
    RedisConnection redis(settingsFor(server.port()), quietLogger());
    std::vector<TrackingRecord> records;
    for (int i = 0; i < 1000; ++i) {
        records.push_back(messageRecord("Q" + std::to_string(i), "a@example.org", "b@example.net"));
    }
    ASSERT_TRUE(appendAll(redis, bounds(100), records));
    TrackingKeys keys = trackingKeys(redis.key(""));
    EXPECT_EQ(count(redis, {"XLEN", keys.records}), 100);  // one record per entry here
    EXPECT_EQ(count(redis, {"LLEN", keys.entries}), 100);
    auto held = redis.command({"GET", keys.count});
    ASSERT_TRUE(held.ok());
    EXPECT_EQ(held->text, "100");
    EXPECT_GT(count(redis, {"PTTL", keys.records}), 0);
    EXPECT_GT(count(redis, {"PTTL", keys.entries}), 0);
    EXPECT_GT(count(redis, {"PTTL", keys.index_prefix + "q:Q999"}), 0);
    // The index entry of a removed record is still there until it expires: skipped.
    auto removed =
        queryTrackingRecords(redis, queryWith([](TrackingQuery& q) { q.queue_id = "Q0"; }));
    ASSERT_TRUE(removed.ok());
    EXPECT_TRUE(removed->entries.empty());
    auto kept =
        queryTrackingRecords(redis, queryWith([](TrackingQuery& q) { q.queue_id = "Q999"; }));
    ASSERT_TRUE(kept.ok());
    EXPECT_EQ(kept->entries.size(), 1u);
}

TEST(TrackingStore, TheTimeBoundRemovesRecordsOlderThanTheRetention) {
    RedisServerProcess server;
    RedisConnection redis(settingsFor(server.port()), quietLogger());
    TrackingKeys keys = trackingKeys(redis.key(""));
    // A record from two days ago, as an earlier write would have left it.
    auto old = messageRecord("OLD", "a@example.org", "b@example.net");
    old.time_ms = trackingNowMs() - 2 * 86400 * 1000;
    auto added = redis.command(
        {"XADD", keys.records, std::to_string(old.time_ms) + "-0", "r", encodeTrackingRecord(old)});
    ASSERT_TRUE(added.ok() && !added->isError());
    ASSERT_TRUE(redis.command({"RPUSH", keys.entries, added->text + " 1"}).ok());
    ASSERT_TRUE(redis.command({"SET", keys.count, "1"}).ok());
    ASSERT_TRUE(appendTrackingRecord(redis, bounds(1000, 1),
                                     messageRecord("NEW", "a@example.org", "b@example.net"))
                    .ok());
    EXPECT_EQ(count(redis, {"XLEN", keys.records}), 1);
    auto answer = queryTrackingRecords(redis, TrackingQuery{});
    ASSERT_TRUE(answer.ok());
    ASSERT_EQ(answer->entries.size(), 1u);
    EXPECT_EQ(answer->entries[0].record.queue_id, "NEW");
}

TEST(TrackingStore, UnreadableRecordsAreSkippedAndReported) {
    RedisServerProcess server;
    RedisConnection redis(settingsFor(server.port()), quietLogger());
    TrackingKeys keys = trackingKeys(redis.key(""));
    ASSERT_TRUE(
        redis
            .command({"XADD", keys.records, "*", "r",
                      "v=1\ntime=soon\nstage=content\naction=delivered\nsender=a@example.org"})
            .ok());
    ASSERT_TRUE(appendTrackingRecord(redis, bounds(1000),
                                     messageRecord("Q1", "a@example.org", "b@example.net"))
                    .ok());
    auto answer = queryTrackingRecords(redis, TrackingQuery{});
    ASSERT_TRUE(answer.ok()) << answer.error();
    EXPECT_EQ(answer->entries.size(), 1u);
    ASSERT_EQ(answer->skipped.size(), 1u);
    EXPECT_NE(answer->skipped[0].find("/0: unreadable time"), std::string::npos);
}

TEST(TrackingStore, DisabledTrackingWritesNothing) {
    RedisServerProcess server;
    RedisConnection redis(settingsFor(server.port()), quietLogger());
    auto settings = bounds(1000);
    settings.enabled = false;
    ASSERT_TRUE(
        appendTrackingRecord(redis, settings, messageRecord("Q1", "a@example.org", "b@example.net"))
            .ok());
    EXPECT_EQ(count(redis, {"EXISTS", trackingKeys(redis.key("")).records}), 0);
}

TEST(MessageTracker, WritesWithoutWaitingAndReloadsTheScriptAfterAFlush) {
    RedisServerProcess server;
    boost::asio::io_context io;
    auto work = boost::asio::make_work_guard(io);
    auto client = RedisClient::create(io, settingsFor(server.port()), quietLogger());
    auto tracker = std::make_shared<MessageTracker>(client, quietLogger(),
                                                    std::make_shared<Counters>(), "mx-test");
    std::thread ioThread([&io] { io.run(); });
    RedisConnection redis(settingsFor(server.port()), quietLogger());
    auto waitFor = [&tracker](std::uint64_t answered) {
        for (int i = 0; i < 500 && tracker->written() + tracker->lost() < answered; ++i) {
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
    };
    for (int i = 0; i < 100; ++i) {  // faster than Redis answers: batched
        tracker->record(bounds(1000),
                        messageRecord("Q" + std::to_string(i), "a@example.org", "b@example.net"));
    }
    waitFor(100);
    EXPECT_EQ(tracker->written(), 100u);
    // After a flush (or a Redis restart) one call is lost and the next loads the script.
    ASSERT_TRUE(redis.command({"SCRIPT", "FLUSH"}).ok());
    tracker->record(bounds(1000), messageRecord("LOST", "a@example.org", "b@example.net"));
    waitFor(101);
    tracker->record(bounds(1000), messageRecord("AFTER", "a@example.org", "b@example.net"));
    waitFor(102);
    EXPECT_EQ(tracker->written(), 101u);
    EXPECT_EQ(tracker->lost(), 1u);
    EXPECT_EQ(client->waits(), 0u);
    auto answer =
        queryTrackingRecords(redis, queryWith([](TrackingQuery& q) { q.queue_id = "AFTER"; }));
    ASSERT_TRUE(answer.ok());
    ASSERT_EQ(answer->entries.size(), 1u);
    EXPECT_EQ(answer->entries[0].record.node, "mx-test");
    auto all = queryTrackingRecords(redis, queryWith([](TrackingQuery& q) {
                                        q.sender = "a@example.org";
                                        q.limit = 500;
                                    }));
    ASSERT_TRUE(all.ok());
    EXPECT_EQ(all->entries.size(), 101u);
    client->stop();
    work.reset();
    ioThread.join();
}

TEST(MessageTracker, ARedisThatIsDownLosesRecordsAndCountsThem) {
    int port = mailgate::testing::freeLoopbackPort();
    boost::asio::io_context io;
    auto work = boost::asio::make_work_guard(io);
    auto client = RedisClient::create(io, settingsFor(port), quietLogger());
    auto counters = std::make_shared<Counters>();
    auto tracker = std::make_shared<MessageTracker>(client, quietLogger(), counters, "mx-test");
    std::thread ioThread([&io] { io.run(); });
    tracker->record(bounds(1000), messageRecord("Q1", "a@example.org", "b@example.net"));
    for (int i = 0; i < 500 && tracker->lost() < 1; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    EXPECT_EQ(tracker->lost(), 1u);
    EXPECT_EQ(counters->value("tracking_records_lost"), 1u);
    client->stop();
    work.reset();
    ioThread.join();
}
