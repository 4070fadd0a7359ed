// Tests of the quarantine's operations against a real redis-server and a real spool in a
// temporary directory: search by each key with paging, the release claim (one of two
// wins, a lapsed claim can be taken, only its holder gives it back), a release the
// server cannot take leaves the copy held, delete per recipient, reindex after Redis lost
// everything (and of stale entries), an entry held on another node, and expiry. A
// successful release through Postfix is in tests/integration/test_E1_quarantine.py.
#include <gtest/gtest.h>

#include <filesystem>

#include "gateway/config/SettingSpec.hpp"
#include "gateway/message/MailgateId.hpp"
#include "gateway/quarantine/QuarantineOperations.hpp"
#include "tests/support/QuietLogger.hpp"
#include "tests/support/RedisServerProcess.hpp"

using namespace mailgate;
using mailgate::testing::quietLogger;
using mailgate::testing::RedisServerProcess;

namespace {

struct Fixture {
    RedisServerProcess server;
    std::filesystem::path root;
    Config config = defaultConfig();
    std::unique_ptr<RedisConnection> redis;
    std::unique_ptr<QuarantineSpool> spool;
    std::unique_ptr<QuarantineOperations> operations;
    MailgateIdGenerator ids;

    Fixture() {
        root = std::filesystem::temp_directory_path() /
               ("mailgate-quarantine-store-" + std::to_string(::getpid()));
        std::filesystem::remove_all(root);
        std::filesystem::create_directories(root);
        config.redis.port = server.port();
        config.quarantine.directory = (root / "spool").string();
        config.quarantine.node = "mx1";
        config.quarantine.release_server = "127.0.0.1:1";  // nothing listens there
        config.quarantine.release_timeout_ms = 2000;
        redis = std::make_unique<RedisConnection>(config.redis, quietLogger());
        auto opened = QuarantineSpool::open(root / "spool", {});
        EXPECT_TRUE(opened.ok()) << opened.error();
        spool = std::move(*opened);
        operations =
            std::make_unique<QuarantineOperations>(config, spool.get(), *redis, quietLogger());
    }
    ~Fixture() { std::filesystem::remove_all(root); }

    QuarantineEntry hold(std::string sender, std::vector<std::string> recipients,
                         std::string subject, double score, std::string reason = "spam score") {
        QuarantineEntry entry;
        entry.mailgate_id = ids.next();
        entry.node = "mx1";
        entry.received = static_cast<std::int64_t>(std::time(nullptr));
        entry.envelope_sender = std::move(sender);
        entry.subject = std::move(subject);
        entry.score = score;
        entry.reason = std::move(reason);
        for (auto& recipient : recipients) {
            entry.recipients.push_back({std::move(recipient), RecipientQuarantined{}});
        }
        auto stored = spool->store(entry, "Subject: " + entry.subject + "\r\n\r\nbody\r\n");
        EXPECT_TRUE(stored.ok()) << stored.error();
        EXPECT_TRUE(operations->index(*stored).ok());
        return *stored;
    }

    std::vector<std::string> found(QuarantineQuery query) {
        auto page = operations->search(query);
        EXPECT_TRUE(page.ok()) << page.error();
        std::vector<std::string> found;
        for (const auto& entry : page->entries) {
            found.push_back(entry.id);
        }
        return found;
    }
};

}  // namespace

TEST(QuarantineStore, SearchesByEveryKeyAndPages) {
    Fixture fixture;
    auto first = fixture.hold("a@spam.example", {"alice@example.com"}, "Cheap watches", 9);
    auto second =
        fixture.hold("b@spam.example", {"bob@example.com", "alice@example.com"}, "Loans", 12);
    auto third = fixture.hold("", {"carol@example.com"}, "Rule hit", 3, "rule HOLD");
    QuarantineQuery query;
    EXPECT_EQ(fixture.found(query).size(), 3u);
    query.recipient = "ALICE@example.com";
    auto alice = fixture.found(query);
    EXPECT_EQ(alice.size(), 2u);
    query = {};
    query.sender = "b@spam.example";
    EXPECT_EQ(fixture.found(query), std::vector<std::string>{second.mailgate_id});
    query = {};
    query.sender = "<>";
    EXPECT_EQ(fixture.found(query), std::vector<std::string>{third.mailgate_id});
    query = {};
    query.subject = "watches";
    EXPECT_EQ(fixture.found(query), std::vector<std::string>{first.mailgate_id});
    query = {};
    query.reason = "rule";
    EXPECT_EQ(fixture.found(query), std::vector<std::string>{third.mailgate_id});
    query = {};
    query.min_score = 10;
    EXPECT_EQ(fixture.found(query), std::vector<std::string>{second.mailgate_id});
    query = {};
    query.limit = 2;
    auto page = fixture.operations->search(query);
    ASSERT_TRUE(page.ok());
    EXPECT_EQ(page->entries.size(), 2u);
    EXPECT_TRUE(page->more);
    query.offset = 2;
    page = fixture.operations->search(query);
    ASSERT_TRUE(page.ok());
    EXPECT_EQ(page->entries.size(), 1u);
    EXPECT_FALSE(page->more);
}

TEST(QuarantineStore, OneOfTwoClaimsWinsAndOnlyItsHolderGivesItBack) {
    Fixture fixture;
    auto entry = fixture.hold("a@spam.example", {"alice@example.com"}, "x", 9);
    QuarantineIndex index([&](std::string_view name) { return fixture.redis->key(name); });
    const std::string& id = entry.mailgate_id;
    auto claim = [&](const std::string& token, std::int64_t now) {
        auto reply = fixture.redis->command(
            index.claimCommand(id, "alice@example.com", token, now, now + 600));
        EXPECT_TRUE(reply.ok());
        return reply->text;
    };
    EXPECT_EQ(claim("one", 1000), "claimed");
    EXPECT_EQ(claim("two", 1001), "busy");
    EXPECT_EQ(claim("two", 1700), "claimed");  // the first claim lapsed (a crash)
    auto wrong = fixture.redis->command(index.unclaimCommand(id, "alice@example.com", "one"));
    ASSERT_TRUE(wrong.ok());
    EXPECT_EQ(wrong->integer, 0);
    EXPECT_EQ(claim("three", 1701), "busy");
    auto back = fixture.redis->command(index.unclaimCommand(id, "alice@example.com", "two"));
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(back->integer, 1);
    EXPECT_EQ(claim("three", 1702), "claimed");
    auto unknown = fixture.redis->command(index.claimCommand(id, "mallory@example.com", "x", 1, 2));
    ASSERT_TRUE(unknown.ok());
    EXPECT_EQ(unknown->text, "missing");
}

TEST(QuarantineStore, AReleaseTheServerDoesNotTakeLeavesTheCopyHeld) {
    Fixture fixture;
    auto entry = fixture.hold("a@spam.example", {"alice@example.com"}, "x", 9);
    auto outcomes = fixture.operations->release(entry.mailgate_id, {}, "cli:test");
    ASSERT_EQ(outcomes.size(), 1u);
    EXPECT_EQ(outcomes[0].kind, RecipientOutcome::Kind::Failed);
    EXPECT_NE(outcomes[0].detail.find("connect"), std::string::npos) << outcomes[0].detail;
    auto shown = fixture.operations->show(entry.mailgate_id);
    ASSERT_TRUE(shown.ok());
    EXPECT_EQ(recipientStatusName(shown->recipients[0].status), "quarantined");
    // The claim was given back: a second attempt is tried, not "busy".
    outcomes = fixture.operations->release(entry.mailgate_id, {"alice@example.com"}, "cli:test");
    ASSERT_EQ(outcomes.size(), 1u);
    EXPECT_EQ(outcomes[0].kind, RecipientOutcome::Kind::Failed);
    outcomes = fixture.operations->release(entry.mailgate_id, {"bob@example.com"}, "cli:test");
    ASSERT_EQ(outcomes.size(), 1u);
    EXPECT_EQ(outcomes[0].kind, RecipientOutcome::Kind::NoSuchRecipient);
}

TEST(QuarantineStore, DeleteIsPerRecipientIdempotentAndPurgeRemovesTheEntry) {
    Fixture fixture;
    auto entry = fixture.hold("a@spam.example", {"alice@example.com", "bob@example.com"}, "x", 9);
    const std::string& id = entry.mailgate_id;
    auto outcomes = fixture.operations->remove(id, {"alice@example.com"}, "cli:test", true);
    ASSERT_EQ(outcomes.size(), 1u);
    EXPECT_EQ(outcomes[0].kind, RecipientOutcome::Kind::Done);
    outcomes = fixture.operations->remove(id, {"alice@example.com"}, "cli:test", true);
    EXPECT_EQ(outcomes[0].kind, RecipientOutcome::Kind::AlreadyDone);
    auto shown = fixture.operations->show(id);
    ASSERT_TRUE(shown.ok());  // bob's copy is still held: not purged
    EXPECT_EQ(recipientStatusName(shown->recipients[0].status), "deleted");
    EXPECT_EQ(recipientStatusName(shown->recipients[1].status), "quarantined");
    QuarantineQuery query;
    query.status = "deleted";
    EXPECT_EQ(fixture.found(query), std::vector<std::string>{id});
    outcomes = fixture.operations->remove(id, {}, "cli:test", true);
    ASSERT_EQ(outcomes.size(), 1u);
    EXPECT_EQ(outcomes[0].recipient, "bob@example.com");
    EXPECT_FALSE(fixture.operations->show(id).ok());
    EXPECT_TRUE(fixture.found({}).empty());
}

TEST(QuarantineStore, ReindexRebuildsWhatRedisLostAndDropsStaleEntries) {
    Fixture fixture;
    auto kept = fixture.hold("a@spam.example", {"alice@example.com"}, "kept", 9);
    auto gone = fixture.hold("b@spam.example", {"bob@example.com"}, "gone", 9);
    ASSERT_TRUE(fixture.spool->remove(gone.mailgate_id).ok());  // removed while Redis was away
    ASSERT_TRUE(fixture.redis
                    ->command({"DEL", fixture.redis->key("quarantine:{quarantine}:entry:" +
                                                         kept.mailgate_id)})
                    .ok());
    auto report = fixture.operations->reindex();
    ASSERT_TRUE(report.ok()) << report.error();
    EXPECT_EQ(report->indexed, 1u);
    EXPECT_EQ(report->removed_stale, 1u);
    EXPECT_EQ(fixture.found({}), std::vector<std::string>{kept.mailgate_id});
    QuarantineQuery query;
    query.sender = "b@spam.example";
    EXPECT_TRUE(fixture.found(query).empty());
}

TEST(QuarantineStore, AnEntryOnAnotherNodeIsNamed) {
    Fixture fixture;
    QuarantineEntry elsewhere;
    elsewhere.mailgate_id = fixture.ids.next();
    elsewhere.node = "mx2";
    elsewhere.received = 1;
    elsewhere.recipients = {{"alice@example.com", RecipientQuarantined{}}};
    QuarantineIndex index([&](std::string_view name) { return fixture.redis->key(name); });
    for (const auto& command : index.indexCommands(elsewhere)) {
        ASSERT_TRUE(fixture.redis->command(command).ok());
    }
    auto outcomes = fixture.operations->release(elsewhere.mailgate_id, {}, "cli:test");
    ASSERT_EQ(outcomes.size(), 1u);
    EXPECT_EQ(outcomes[0].kind, RecipientOutcome::Kind::NotHere);
    EXPECT_NE(outcomes[0].detail.find("mx2"), std::string::npos);
    auto shown = fixture.operations->show(elsewhere.mailgate_id);
    ASSERT_TRUE(shown.ok());
    EXPECT_EQ(shown->node, "mx2");
    auto none = fixture.operations->release("AAAAAAAAAAAA", {}, "cli:test");
    ASSERT_EQ(none.size(), 1u);
    EXPECT_EQ(none[0].kind, RecipientOutcome::Kind::NoSuchEntry);
}

TEST(QuarantineStore, ExpiryRemovesOldEntriesAndTheirIndex) {
    Fixture fixture;
    auto entry = fixture.hold("a@spam.example", {"alice@example.com"}, "old", 9);
    fixture.config.quarantine.retention_days = 1;
    auto now = static_cast<std::int64_t>(std::time(nullptr));
    auto kept = fixture.operations->expire(now);
    ASSERT_TRUE(kept.ok()) << kept.error();
    EXPECT_EQ(kept->removed, 0u);
    auto removed = fixture.operations->expire(now + 2 * 86400);
    ASSERT_TRUE(removed.ok()) << removed.error();
    EXPECT_EQ(removed->removed, 1u);
    EXPECT_TRUE(fixture.found({}).empty());
    EXPECT_FALSE(fixture.operations->show(entry.mailgate_id).ok());
}
