// Unit tests of greylisting's sender normalisation: SRS, BATV, +extension, VERP and
// serial numbers, so a bulk sender's retry finds its triplet.
#include <gtest/gtest.h>

#include "gateway/checks/greylist/SenderNormalizer.hpp"

using mailgate::normalizeGreylistSender;

TEST(SenderNormalizer, PlainAddressesAreLowerCased) {
    EXPECT_EQ(normalizeGreylistSender("Alice@Example.COM"), "alice@example.com");
    EXPECT_EQ(normalizeGreylistSender(""), "");
}

TEST(SenderNormalizer, PlusExtensionsGo) {
    EXPECT_EQ(normalizeGreylistSender("alice+news@example.com"), "alice@example.com");
    EXPECT_EQ(normalizeGreylistSender("list-bounces+bob=example.org@lists.example.com"),
              "list-bounces@lists.example.com");
}

TEST(SenderNormalizer, SrsIsUndone) {
    EXPECT_EQ(normalizeGreylistSender("SRS0=HHH=TT=orig.example=alice@forwarder.example"),
              "alice@orig.example");
    EXPECT_EQ(normalizeGreylistSender(
                  "SRS1=XXX=forwarder.example==HHH=TT=orig.example=alice@second.example"),
              "alice@orig.example");
    // The hash and timestamp change on every forward; the result does not.
    EXPECT_EQ(normalizeGreylistSender("srs0=abcd=x9=orig.example=alice@forwarder.example"),
              normalizeGreylistSender("srs0=wxyz=y1=orig.example=alice@forwarder.example"));
}

TEST(SenderNormalizer, BatvTagsGo) {
    EXPECT_EQ(normalizeGreylistSender("prvs=1234abcdef=alice@example.com"), "alice@example.com");
    EXPECT_EQ(normalizeGreylistSender("msprvs1=17abcdefgh=alice@example.com"), "alice@example.com");
    EXPECT_EQ(normalizeGreylistSender("btv1==123abc==alice@example.com"), "alice@example.com");
}

TEST(SenderNormalizer, VerpRecipientsAndSerialNumbersGo) {
    EXPECT_EQ(normalizeGreylistSender("bounce-42-bob=example.org@mailer.example.com"),
              "bounce-#@mailer.example.com");
    EXPECT_EQ(normalizeGreylistSender("bounce-1234@mailer.example.com"),
              normalizeGreylistSender("bounce-5678@mailer.example.com"));
    EXPECT_EQ(normalizeGreylistSender("user2000@example.com"), "user2000@example.com");
}

TEST(SenderNormalizer, OddInputIsKept) {
    EXPECT_EQ(normalizeGreylistSender("postmaster"), "postmaster");
    EXPECT_EQ(normalizeGreylistSender("prvs=@example.com"), "prvs=@example.com");
    EXPECT_EQ(normalizeGreylistSender("SRS0=broken@example.com"), "srs0=broken@example.com");
    EXPECT_EQ(normalizeGreylistSender("@example.com"), "@example.com");
}
