// Unit tests of mailgate message IDs: fixed length, time-sortable, unique.
#include <gtest/gtest.h>

#include <set>

#include "gateway/message/MailgateId.hpp"

using namespace mailgate;

TEST(MailgateId, FormatIsTimeThenRandomInBase32) {
    EXPECT_EQ(MailgateIdGenerator::format(0, 0), "000000000000000000");
    EXPECT_EQ(MailgateIdGenerator::format(31, 1), "000000000Z00000001");
    EXPECT_LT(MailgateIdGenerator::format(1000, 0xffffffffff),
              MailgateIdGenerator::format(1001, 0));
}

TEST(MailgateId, GeneratedIdsAreDistinctAndWellFormed) {
    MailgateIdGenerator generator;
    std::set<std::string> seen;
    for (int i = 0; i < 10000; ++i) {
        auto id = generator.next();
        ASSERT_EQ(id.size(), 18u);
        ASSERT_EQ(id.find_first_not_of("0123456789ABCDEFGHJKMNPQRSTVWXYZ"), std::string::npos);
        seen.insert(id);
    }
    EXPECT_EQ(seen.size(), 10000u);
}

TEST(MailgateId, TimeIsReadBackFromWellFormedIdsOnly) {
    EXPECT_EQ(millisecondsOfMailgateId(MailgateIdGenerator::format(1709294400000, 77)),
              1709294400000u);
    MailgateIdGenerator generator;
    EXPECT_TRUE(millisecondsOfMailgateId(generator.next()).has_value());
    for (std::string_view bad :
         {"", "01HQZ5V7G00000000", "01HQZ5V7G0000000011", "01hqz5v7g000000001",
          "01HQZ5V7GI00000001", "../../../etc/passwd", "01HQZ5V7G0/0000001"}) {
        EXPECT_FALSE(millisecondsOfMailgateId(bad).has_value()) << bad;
    }
}
