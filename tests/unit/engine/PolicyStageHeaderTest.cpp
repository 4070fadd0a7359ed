// Unit tests of the signed X-Mailgate-Policy header: it round-trips hostile text, any
// change to it or a wrong secret makes it refused, and the milter's reading believes
// only headers signed for this client and sender and recent enough, merging several.
#include <gtest/gtest.h>

#include "gateway/engine/PolicyStageHeader.hpp"

using namespace mailgate;

namespace {

const std::string kSecret = "0123456789abcdef0123456789abcdef";

PolicyStageRecord sampleRecord() {
    PolicyStageRecord record;
    record.time = 1764500000;
    record.client_address = "192.0.2.7";
    record.sender = "alice@sender.test";
    record.symbols = {{"DNSBL_ZEN", 3.5, "127.0.0.2; listed, really: yes"},
                      {"SPF_PASS", -0.5, "sender.test: matched ip4"}};
    record.headers = {{"Received-SPF", "pass (mx: domain of a@b designates 192.0.2.7) x=1;"},
                      {"X-Greylist", "delayed 301 seconds by mailgate at mx; Tue, 1 Dec"}};
    return record;
}

}  // namespace

TEST(PolicyStageHeader, RoundTripsEveryField) {
    std::string value = signPolicyStageRecord(sampleRecord(), kSecret);
    EXPECT_EQ(value.find('\n'), std::string::npos);
    auto record = verifyPolicyStageHeader(" " + value + " ", kSecret);
    ASSERT_TRUE(record.ok()) << record.error();
    EXPECT_EQ(record->time, 1764500000);
    EXPECT_EQ(record->client_address, "192.0.2.7");
    EXPECT_EQ(record->sender, "alice@sender.test");
    ASSERT_EQ(record->symbols.size(), 2u);
    EXPECT_EQ(record->symbols[0].name, "DNSBL_ZEN");
    EXPECT_DOUBLE_EQ(record->symbols[0].score, 3.5);
    EXPECT_EQ(record->symbols[0].detail, "127.0.0.2; listed, really: yes");
    EXPECT_DOUBLE_EQ(record->symbols[1].score, -0.5);
    ASSERT_EQ(record->headers.size(), 2u);
    EXPECT_EQ(record->headers[0].value, sampleRecord().headers[0].value);
}

TEST(PolicyStageHeader, AnyChangeOrWrongSecretIsRefused) {
    std::string value = signPolicyStageRecord(sampleRecord(), kSecret);
    EXPECT_FALSE(verifyPolicyStageHeader(value, "another secret, long enough").ok());
    EXPECT_FALSE(verifyPolicyStageHeader(value, "").ok());
    std::string lowered = value;
    lowered.replace(lowered.find("3.5"), 3, "0.1");  // a sender lowering its score
    EXPECT_FALSE(verifyPolicyStageHeader(lowered, kSecret).ok());
    EXPECT_FALSE(verifyPolicyStageHeader("v=1; t=1; c=1.2.3.4; s=; y=; h=", kSecret).ok());
    EXPECT_FALSE(verifyPolicyStageHeader("", kSecret).ok());
    EXPECT_FALSE(verifyPolicyStageHeader(value.substr(0, value.size() - 1), kSecret).ok());
}

TEST(PolicyStageHeader, FoldingIsUndone) {
    std::string value = signPolicyStageRecord(sampleRecord(), kSecret);
    // A header rewrapped in transit keeps its meaning (folding adds CRLF before a blank).
    auto fold = value.find("; y=");
    std::string folded = value.substr(0, fold + 1) + "\r\n" + value.substr(fold + 1);
    EXPECT_TRUE(verifyPolicyStageHeader(folded, kSecret).ok());
}

TEST(PolicyStageReading, BelievesOnlyThisMessagesRecentHeaders) {
    std::string good = signPolicyStageRecord(sampleRecord(), kSecret);
    PolicyStageRecord otherClient = sampleRecord();
    otherClient.client_address = "198.51.100.1";
    otherClient.symbols = {{"SPF_PASS", -10, "replayed"}};
    PolicyStageRecord old = sampleRecord();
    old.time -= 7200;
    std::vector<std::string> values = {"v=1; forged; sig=00", good,
                                       signPolicyStageRecord(otherClient, kSecret),
                                       signPolicyStageRecord(old, kSecret)};
    auto reading =
        readPolicyStageHeaders(values, kSecret, "192.0.2.7", "ALICE@sender.test", 1764500010, 3600);
    EXPECT_EQ(reading.believed, 1);
    EXPECT_EQ(reading.refused, 3);
    EXPECT_EQ(reading.refusal, "wrong signature");
    ASSERT_EQ(reading.symbols.size(), 2u);
    EXPECT_DOUBLE_EQ(reading.symbols[1].score, -0.5);  // the replayed -10 was refused
    EXPECT_EQ(reading.headers.size(), 2u);
}

TEST(PolicyStageReading, SeveralHeadersMergeByHighestScoreAndDistinctHeaders) {
    PolicyStageRecord first = sampleRecord();
    PolicyStageRecord second = sampleRecord();
    second.symbols = {{"DNSBL_ZEN", 2.0, "lower"}, {"GREYLIST_PASSED", 0, "delayed"}};
    second.headers = {first.headers[0]};
    std::vector<std::string> values = {signPolicyStageRecord(first, kSecret),
                                       signPolicyStageRecord(second, kSecret)};
    auto reading = readPolicyStageHeaders(values, kSecret, "::ffff:192.0.2.7", "alice@sender.test",
                                          1764500000, 3600);
    EXPECT_EQ(reading.believed, 2);
    ASSERT_EQ(reading.symbols.size(), 3u);
    EXPECT_DOUBLE_EQ(reading.symbols[0].score, 3.5);
    EXPECT_EQ(reading.headers.size(), 2u);
}
