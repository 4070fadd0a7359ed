// Tests of tracking records as Redis fields (E2): a record survives encoding, malformed
// fields from Redis are refused with an error (the query skips them), index names, the
// query's filters, stream ID order and the times `mailgatectl track` reads.
#include <gtest/gtest.h>

#include "gateway/store/RedisReply.hpp"
#include "gateway/tracking/TrackingQuery.hpp"
#include "gateway/tracking/TrackingRecord.hpp"
#include "gateway/tracking/TrackingTime.hpp"

using namespace mailgate;

namespace {

TrackingRecord deliveredMessage() {
    TrackingRecord record;
    record.time_ms = 1765100000123;
    record.node = "mx1";
    record.stage = TrackingStage::Content;
    record.protocol_state = "END-OF-MESSAGE";
    record.queue_id = "4dQ1x23ZxYz";
    record.mailgate_id = "MG-1";
    record.message_id = "abc@example.org";
    record.client_address = "192.0.2.7";
    record.client_name = "mail.example.org";
    record.helo = "mail.example.org";
    record.sender = "Alice@Example.org";
    record.recipients = {{"bob@example.net", TrackingAction::Delivered},
                         {"carol@example.net", TrackingAction::Quarantined}};
    record.action = TrackingAction::Delivered;
    record.reason = "below the threshold";
    record.score = 1.5;
    record.required = 5.0;
    record.symbols = "BAYES_HAM(-1),HTML_ONLY(2.5)";
    return record;
}

TrackingFields fieldsOf(const TrackingRecord& record) {
    auto fields = splitTrackingFields(encodeTrackingRecord(record));
    EXPECT_TRUE(fields.ok());
    return fields.ok() ? *fields : TrackingFields{};
}

std::string without(TrackingFields fields, const std::string& name) {
    std::erase_if(fields, [&](const auto& field) { return field.first == name; });
    return joinTrackingFields(fields);
}

std::string replaced(TrackingFields fields, const std::string& name, std::string value) {
    for (auto& field : fields) {
        if (field.first == name) {
            field.second = value;
        }
    }
    return joinTrackingFields(fields);
}

RedisReply text(std::string value) {
    RedisReply reply;
    reply.type = RedisReply::Type::String;
    reply.text = std::move(value);
    return reply;
}

}  // namespace

TEST(TrackingRecord, SurvivesEncodingAndDecoding) {
    TrackingRecord record = deliveredMessage();
    auto decoded = decodeTrackingRecord(encodeTrackingRecord(record));
    ASSERT_TRUE(decoded.ok()) << decoded.error();
    EXPECT_EQ(decoded->time_ms, record.time_ms);
    EXPECT_EQ(decoded->stage, TrackingStage::Content);
    EXPECT_EQ(decoded->action, TrackingAction::Delivered);
    EXPECT_EQ(decoded->queue_id, record.queue_id);
    EXPECT_EQ(decoded->message_id, record.message_id);
    EXPECT_EQ(decoded->sender, record.sender);
    ASSERT_EQ(decoded->recipients.size(), 2u);
    EXPECT_EQ(decoded->recipients[1].address, "carol@example.net");
    EXPECT_EQ(decoded->recipients[1].action, TrackingAction::Quarantined);
    ASSERT_TRUE(decoded->score.has_value());
    EXPECT_DOUBLE_EQ(*decoded->score, 1.5);
    EXPECT_DOUBLE_EQ(*decoded->required, 5.0);
    EXPECT_EQ(decoded->symbols, record.symbols);
    EXPECT_EQ(decoded->node, "mx1");
}

TEST(TrackingRecord, EmptyFieldsAreLeftOutAndOversizeValuesCut) {
    TrackingRecord record;
    record.time_ms = 1;
    record.helo = std::string(5000, 'h');
    record.reason = "two\nlines and a \\ backslash";
    auto encoded = encodeTrackingRecord(record);
    auto fields = fieldsOf(record);
    for (const auto& [name, value] : fields) {
        EXPECT_NE(name, "queue_id");
        EXPECT_NE(name, "score");
        EXPECT_LE(value.size(), 512u) << name;
    }
    auto decoded = decodeTrackingRecord(encoded);
    ASSERT_TRUE(decoded.ok()) << decoded.error();
    EXPECT_FALSE(decoded->score.has_value());
    EXPECT_EQ(decoded->helo.size(), 512u);
    EXPECT_EQ(decoded->reason, record.reason);
}

TEST(TrackingRecord, MalformedFieldsAreErrorsNotCrashes) {
    auto good = fieldsOf(deliveredMessage());
    EXPECT_FALSE(decodeTrackingRecord("").ok());
    EXPECT_FALSE(decodeTrackingRecord("v=1\nno equals sign").ok());
    EXPECT_FALSE(decodeTrackingRecord("v=1\n=no name").ok());
    EXPECT_FALSE(
        decodeTrackingRecord("v=1\ntime=1\nstage=policy\naction=accepted\nhelo=a\\x").ok());
    EXPECT_FALSE(decodeTrackingRecord(without(good, "time")).ok());
    EXPECT_FALSE(decodeTrackingRecord(without(good, "v")).ok());
    EXPECT_FALSE(decodeTrackingRecord(replaced(good, "v", "99")).ok());
    EXPECT_FALSE(decodeTrackingRecord(replaced(good, "time", "yesterday")).ok());
    EXPECT_FALSE(decodeTrackingRecord(replaced(good, "stage", "smtp")).ok());
    EXPECT_FALSE(decodeTrackingRecord(replaced(good, "action", "vanished")).ok());
    EXPECT_FALSE(decodeTrackingRecord(replaced(good, "score", "high")).ok());
    EXPECT_FALSE(decodeTrackingRecord(replaced(good, "recipients", "bob@example.net")).ok());
    EXPECT_FALSE(decodeTrackingRecord(replaced(good, "recipients", "lost bob@example.net")).ok());
    auto unknownField = good;
    unknownField.emplace_back("from_a_newer_writer", "x");
    EXPECT_TRUE(decodeTrackingRecord(joinTrackingFields(unknownField)).ok());
}

TEST(TrackingRecord, StreamEntriesOfTheWrongShapeAreSkippedAndReported) {
    std::vector<std::string> skipped;
    EXPECT_TRUE(decodeTrackingEntry(text("1-1"), "", skipped).empty());
    EXPECT_EQ(skipped.size(), 1u);

    RedisReply entry;
    entry.type = RedisReply::Type::Array;
    RedisReply values;
    values.type = RedisReply::Type::Array;
    values.elements = {text("r"),     text(encodeTrackingRecord(deliveredMessage())),
                       text("r"),     text("v=1\ntime=never"),
                       text("other"), text("ignored"),
                       text("r"),     text(encodeTrackingRecord(TrackingRecord{}))};
    entry.elements = {text("1765100000123-0"), values};
    skipped.clear();
    auto records = decodeTrackingEntry(entry, "", skipped);
    ASSERT_EQ(records.size(), 2u);
    EXPECT_EQ(records[0].id, "1765100000123-0/0");
    EXPECT_EQ(records[0].record.queue_id, "4dQ1x23ZxYz");
    EXPECT_EQ(records[1].id, "1765100000123-0/3");
    ASSERT_EQ(skipped.size(), 1u);
    EXPECT_EQ(skipped[0].rfind("1765100000123-0/1: ", 0), 0u) << skipped[0];

    skipped.clear();
    auto named = decodeTrackingEntry(entry, "carol@example.net", skipped);
    ASSERT_EQ(named.size(), 1u);  // only the texts that name it are decoded
    EXPECT_TRUE(skipped.empty());
}

TEST(TrackingRecord, MentionsIgnoresTheCaseOfTheText) {
    EXPECT_TRUE(mentions("sender=Alice@Example.ORG", "alice@example.org"));
    EXPECT_FALSE(mentions("sender=alice@example.org", "bob@example.org"));
    EXPECT_TRUE(mentions("anything", ""));
}

TEST(TrackingRecord, IsIndexedByItsMessageIdentifiersOnly) {
    auto names = trackingIndexNames(deliveredMessage());
    std::vector<std::string> expected = {"q:4dQ1x23ZxYz", "m:MG-1", "i:abc@example.org"};
    EXPECT_EQ(names, expected);
    TrackingRecord refused;  // a refused RCPT: found by address and time, not by an index
    refused.recipients = {{"Bob@Example.net", TrackingAction::Rejected}};
    EXPECT_TRUE(trackingIndexNames(refused).empty());
}

TEST(TrackingRecord, MessageIdsLoseTheirAngleBrackets) {
    EXPECT_EQ(normalizedMessageId(" <abc@example.org>\r\n"), "abc@example.org");
    EXPECT_EQ(normalizedMessageId("abc@example.org"), "abc@example.org");
}

TEST(TrackingRecord, SymbolListsAreShort) {
    std::vector<Symbol> many;
    for (int i = 0; i < 40; ++i) {
        many.push_back(Symbol{"SYMBOL_NUMBER_" + std::to_string(i), 1.0, ""});
    }
    std::string list = trackingSymbolList(many);
    EXPECT_LE(list.size(), 410u);
    EXPECT_EQ(list.substr(list.size() - 4), ",...");
    EXPECT_EQ(trackingSymbolList({Symbol{"A", 2.5, ""}}), "A(2.5)");
}

TEST(TrackingQuery, EveryCriterionMustMatch) {
    TrackingRecord record = deliveredMessage();
    TrackingQuery query;
    EXPECT_TRUE(trackingRecordMatches(record, query));
    query.sender = "alice@EXAMPLE.org";
    query.recipient = "CAROL@example.net";
    EXPECT_TRUE(trackingRecordMatches(record, query));
    query.queue_id = "4dQ1x23ZxYz";
    query.message_id = "<abc@example.org>";
    EXPECT_TRUE(trackingRecordMatches(record, query));
    query.queue_id = "4DQ1X23ZXYZ";  // queue IDs are case-sensitive
    EXPECT_FALSE(trackingRecordMatches(record, query));
    query.queue_id.clear();
    query.recipient = "dave@example.net";
    EXPECT_FALSE(trackingRecordMatches(record, query));
}

TEST(TrackingQuery, TimeRangeAndNullSender) {
    TrackingRecord record = deliveredMessage();
    TrackingQuery query;
    query.since_ms = record.time_ms;
    query.until_ms = record.time_ms;
    EXPECT_TRUE(trackingRecordMatches(record, query));
    query.since_ms = record.time_ms + 1;
    EXPECT_FALSE(trackingRecordMatches(record, query));
    TrackingQuery bounces;
    bounces.sender = "<>";
    EXPECT_FALSE(trackingRecordMatches(record, bounces));
    record.sender.clear();
    EXPECT_TRUE(trackingRecordMatches(record, bounces));
}

TEST(TrackingQuery, StreamIdsCompareAsNumbers) {
    EXPECT_TRUE(streamIdBefore("1700000000000-2", "1700000000000-10"));
    EXPECT_TRUE(streamIdBefore("1700000000000-2/9", "1700000000000-2/10"));
    EXPECT_TRUE(streamIdBefore("1700000000000-2/9", "1700000000000-3/0"));
    EXPECT_TRUE(streamIdBefore("999-5", "1000-0"));
    EXPECT_FALSE(streamIdBefore("1000-0", "1000-0"));
}

TEST(TrackingTime, ReadsDatesUnixTimesAndDurationsAgo) {
    const std::int64_t now = 1765100000000;
    auto ago = parseTrackingTime("2h", now, false);
    ASSERT_TRUE(ago.ok());
    EXPECT_EQ(*ago, now - 2 * 3600 * 1000);
    auto unix = parseTrackingTime("@1765000000", now, false);
    ASSERT_TRUE(unix.ok());
    EXPECT_EQ(*unix, 1765000000000);
    auto dayStart = parseTrackingTime("2026-12-07", now, false);
    auto dayEnd = parseTrackingTime("2026-12-07", now, true);
    ASSERT_TRUE(dayStart.ok() && dayEnd.ok());
    EXPECT_EQ(*dayEnd - *dayStart, 86400 * 1000 - 1);
    auto minute = parseTrackingTime("2026-12-07 14:30", now, false);
    auto second = parseTrackingTime("2026-12-07T14:30:05", now, false);
    ASSERT_TRUE(minute.ok() && second.ok());
    EXPECT_EQ(*second - *minute, 5000);
    for (const char* bad :
         {"", "yesterday", "2026-13-01", "2026-12-07 14", "2026-12-07x", "@x", "xh", "-2h"}) {
        EXPECT_FALSE(parseTrackingTime(bad, now, false).ok()) << bad;
    }
}
