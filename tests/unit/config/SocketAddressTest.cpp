// Unit tests of the two listening-address notations (Postfix and libmilter).
#include <gtest/gtest.h>

#include "gateway/config/SocketAddress.hpp"

using namespace mailgate;

TEST(SocketAddress, PostfixNotation) {
    auto inet = parsePostfixSocketAddress("inet:127.0.0.1:10040");
    ASSERT_TRUE(inet.ok());
    EXPECT_EQ(inet->host, "127.0.0.1");
    EXPECT_EQ(inet->port, 10040);
    auto ipv6 = parsePostfixSocketAddress("inet:[::1]:25");
    ASSERT_TRUE(ipv6.ok());
    EXPECT_EQ(ipv6->host, "::1");
    EXPECT_EQ(ipv6->describe(), "inet:[::1]:25");
    auto local = parsePostfixSocketAddress("unix:/run/mailgate/policyd.sock");
    ASSERT_TRUE(local.ok());
    EXPECT_EQ(local->kind, SocketAddress::Kind::Unix);
    EXPECT_EQ(local->path, "/run/mailgate/policyd.sock");
}

TEST(SocketAddress, MilterNotation) {
    auto inet = parseMilterSocketAddress("inet:10041@127.0.0.1");
    ASSERT_TRUE(inet.ok());
    EXPECT_EQ(inet->port, 10041);
    EXPECT_EQ(inet->host, "127.0.0.1");
    EXPECT_TRUE(parseMilterSocketAddress("inet6:10041@::1").ok());
    EXPECT_TRUE(parseMilterSocketAddress("local:/run/m.sock").ok());
}

TEST(SocketAddress, RejectsMalformedAddresses) {
    for (const char* text :
         {"", "inet:", "inet:host", "inet:host:", "inet:host:0", "inet:host:65536", "inet:host:12x",
          "inet::25", "unix:", "unix:relative.sock", "tcp:1.2.3.4:5", "inet:[::1:25",
          // found by fuzz_SocketAddress: colons in an unbracketed host
          "inet::1]:nt:x:etet:[::125", "inet:::1:25", "inet:a b:25", "inet:[a]b]:25"}) {
        EXPECT_FALSE(parsePostfixSocketAddress(text).ok()) << text;
    }
    for (const char* text : {"inet:127.0.0.1:25", "inet:@127.0.0.1", "inet:25@", "inet6:x@::1",
                             "unix:relative", "socket:/x", "inet:25@::1"}) {
        EXPECT_FALSE(parseMilterSocketAddress(text).ok()) << text;
    }
    EXPECT_FALSE(parsePostfixSocketAddress("unix:/" + std::string(200, 'a')).ok());
}
