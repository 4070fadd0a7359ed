// Tests of the quarantine index's pure parts: the recipient status encoding (round trip
// and malformed text), Subject words, the reason's kind, which set a search reads, and
// the filters a search applies to each entry. Redis itself: tests/store.
#include <gtest/gtest.h>

#include "gateway/quarantine/QuarantineIndex.hpp"

using namespace mailgate;

namespace {

QuarantineIndex index() {
    return QuarantineIndex([](std::string_view name) { return "p:" + std::string(name); });
}

QuarantineSummary summary() {
    QuarantineSummary entry;
    entry.id = "id1";
    entry.node = "mx1";
    entry.received = 1000;
    entry.sender = "Spammer@Example.NET";
    entry.subject = "Cheap WATCHES, today only";
    entry.score = 9.5;
    entry.reason = "spam score 9.5: spam, spam_action quarantine";
    entry.recipients = {{"alice@example.com", RecipientQuarantined{}},
                        {"bob@example.com", RecipientReleased{5, "cli:root", "250 ok"}}};
    return entry;
}

}  // namespace

TEST(QuarantineIndex, RecipientStatusesRoundTrip) {
    std::vector<RecipientStatus> statuses = {
        RecipientQuarantined{}, RecipientReleasing{"token", 1234},
        RecipientReleased{99, "cli:alice", "250 2.0.0 Ok: queued as ABC"},
        RecipientDeleted{100, "ui:bob"}};
    for (const auto& status : statuses) {
        auto decoded = decodeRecipientStatus(encodeRecipientStatus(status));
        ASSERT_TRUE(decoded.ok()) << encodeRecipientStatus(status);
        EXPECT_EQ(*decoded, status);
    }
}

TEST(QuarantineIndex, TabsAndLineEndsCannotForgeAStatus) {
    auto encoded = encodeRecipientStatus(RecipientReleased{1, "eve\tx\n", "250\tok\r\n"});
    auto decoded = decodeRecipientStatus(encoded);
    ASSERT_TRUE(decoded.ok()) << encoded;
    const auto& released = std::get<RecipientReleased>(*decoded);
    EXPECT_EQ(released.by, "eve x ");
    EXPECT_EQ(released.server_reply, "250 ok  ");
}

TEST(QuarantineIndex, MalformedStatusesAreErrors) {
    std::vector<std::string> malformed = {"",
                                          "held",
                                          "quarantined\textra",
                                          "releasing\ttoken",
                                          "releasing\ttoken\tsoon",
                                          "released\tnot-a-time\tby\treply",
                                          "deleted\t1",
                                          std::string(5000, 'x')};
    for (const auto& text : malformed) {
        EXPECT_FALSE(decodeRecipientStatus(text).ok()) << text;
    }
}

TEST(QuarantineIndex, SubjectWordsAreLowerCaseDistinctAndBounded) {
    EXPECT_EQ(subjectWords("Cheap WATCHES, cheap! a 2x Ünïcode"),
              (std::vector<std::string>{"cheap", "watches", "2x", "Ünïcode"}));
    std::string many;
    for (int i = 0; i < 100; ++i) {
        many += "word" + std::to_string(i) + " ";
    }
    EXPECT_EQ(subjectWords(many).size(), 30u);
    EXPECT_TRUE(subjectWords(std::string(100, 'a')).empty());  // longer than 40 bytes
    EXPECT_TRUE(subjectWords("").empty());
}

TEST(QuarantineIndex, ReasonKindIsTheFirstWord) {
    EXPECT_EQ(reasonKind("spam score 9.5: spam"), "spam");
    EXPECT_EQ(reasonKind("Rule HOLD_INVOICES"), "rule");
    EXPECT_EQ(reasonKind(""), "");
}

TEST(QuarantineIndex, ASearchReadsTheNarrowestSet) {
    auto keys = index();
    QuarantineQuery query;
    EXPECT_EQ(keys.candidatesCommand(query, 10),
              (RedisCommand{"ZREVRANGEBYSCORE", "p:quarantine:{quarantine}:time", "+inf", "-inf",
                            "LIMIT", "0", "10"}));
    query.reason = "spam";
    EXPECT_EQ(keys.candidatesCommand(query, 10)[1], "p:quarantine:{quarantine}:reason:spam");
    query.subject = "Watches";
    EXPECT_EQ(keys.candidatesCommand(query, 10)[1], "p:quarantine:{quarantine}:word:watches");
    query.sender = "A@B.example";
    EXPECT_EQ(keys.candidatesCommand(query, 10)[1], "p:quarantine:{quarantine}:sender:a@b.example");
    query.recipient = "Alice@Example.COM";
    query.since = 5;
    query.until = 9;
    auto command = keys.candidatesCommand(query, 10);
    EXPECT_EQ(command[1], "p:quarantine:{quarantine}:recipient:alice@example.com");
    EXPECT_EQ(command[2], "9");
    EXPECT_EQ(command[3], "5");
}

TEST(QuarantineIndex, EveryFilterOfAQueryApplies) {
    QuarantineSummary entry = summary();
    QuarantineQuery query;
    EXPECT_TRUE(QuarantineIndex::matches(query, entry));
    query.sender = "spammer@example.net";
    query.recipient = "ALICE@example.com";
    query.subject = "watches cheap";
    query.reason = "spam";
    query.min_score = 9;
    query.max_score = 10;
    query.since = 1000;
    query.until = 1000;
    query.status = "released";
    EXPECT_TRUE(QuarantineIndex::matches(query, entry));
    auto fails = [&](auto change) {
        QuarantineQuery changed = query;
        change(changed);
        return !QuarantineIndex::matches(changed, entry);
    };
    EXPECT_TRUE(fails([](auto& q) { q.sender = "other@example.net"; }));
    EXPECT_TRUE(fails([](auto& q) { q.recipient = "carol@example.com"; }));
    EXPECT_TRUE(fails([](auto& q) { q.subject = "watches rolex"; }));
    EXPECT_TRUE(fails([](auto& q) { q.reason = "rule"; }));
    EXPECT_TRUE(fails([](auto& q) { q.min_score = 9.6; }));
    EXPECT_TRUE(fails([](auto& q) { q.max_score = 9.4; }));
    EXPECT_TRUE(fails([](auto& q) { q.since = 1001; }));
    EXPECT_TRUE(fails([](auto& q) { q.until = 999; }));
    EXPECT_TRUE(fails([](auto& q) { q.status = "deleted"; }));
}

TEST(QuarantineIndex, IndexedFieldsReadBackAsTheSummary) {
    QuarantineEntry entry;
    entry.mailgate_id = "id1";
    entry.node = "mx1";
    entry.received = 1000;
    entry.envelope_sender = "Spammer@Example.NET";
    entry.subject = "Cheap\tWATCHES\r\n";
    entry.score = 9.5;
    entry.reason = "spam score 9.5";
    entry.body_size = 1234;
    entry.recipients = {{"Alice@example.com", RecipientQuarantined{}},
                        {"bob@example.com", RecipientDeleted{7, "cli:root"}}};
    auto commands = index().indexCommands(entry);
    ASSERT_GE(commands.size(), 3u);
    EXPECT_EQ(commands[0], (RedisCommand{"DEL", "p:quarantine:{quarantine}:entry:id1"}));
    // HGETALL's answer: the HSET's field and value pairs.
    RedisReply reply;
    reply.type = RedisReply::Type::Array;
    for (std::size_t i = 2; i < commands[1].size(); ++i) {
        RedisReply element;
        element.type = RedisReply::Type::String;
        element.text = commands[1][i];
        reply.elements.push_back(element);
    }
    auto read = QuarantineIndex::summaryFrom("id1", reply);
    ASSERT_TRUE(read.has_value());
    EXPECT_EQ(read->node, "mx1");
    EXPECT_EQ(read->received, 1000);
    EXPECT_EQ(read->sender, "Spammer@Example.NET");
    EXPECT_EQ(read->subject, "Cheap WATCHES  ");
    EXPECT_DOUBLE_EQ(read->score, 9.5);
    EXPECT_EQ(read->size, 1234u);
    ASSERT_EQ(read->recipients.size(), 2u);
    EXPECT_EQ(read->recipients[0].address, "Alice@example.com");
    EXPECT_EQ(read->recipients[1].status, RecipientStatus(RecipientDeleted{7, "cli:root"}));
    RedisReply gone;
    gone.type = RedisReply::Type::Array;
    EXPECT_FALSE(QuarantineIndex::summaryFrom("id1", gone).has_value());
}
