// Unit tests of the Postfix policy request parser (A2, docs/features.md): well-formed, pipelined,
// split, malformed and oversize input.
#include <gtest/gtest.h>

#include "policyd/PolicyReply.hpp"
#include "policyd/PolicyRequest.hpp"

using namespace mailgate;

namespace {

const char* kRequest =
    "request=smtpd_access_policy\n"
    "protocol_state=RCPT\n"
    "protocol_name=ESMTP\n"
    "client_address=192.0.2.1\n"
    "client_name=mx.example.com\n"
    "helo_name=mx.example.com\n"
    "sender=a@example.com\n"
    "recipient=b@example.net\n"
    "queue_id=\n"
    "instance=123.456.7\n"
    "\n";

PolicyRequestParser parser(std::size_t line = 4096, std::size_t attributes = 128,
                           std::size_t bytes = 65536) {
    return PolicyRequestParser(PolicyRequestLimits{line, attributes, bytes});
}

}  // namespace

TEST(PolicyRequestParser, ParsesARequest) {
    auto p = parser();
    p.feed(kRequest);
    auto next = p.next();
    ASSERT_TRUE(next.ok()) << next.error();
    ASSERT_TRUE(next->has_value());
    const auto& request = **next;
    EXPECT_EQ(request.protocolState(), "RCPT");
    EXPECT_EQ(request.get("client_address"), "192.0.2.1");
    EXPECT_EQ(request.get("recipient"), "b@example.net");
    EXPECT_TRUE(request.has("queue_id"));
    EXPECT_EQ(request.queueId(), "");
    EXPECT_EQ(request.get("absent"), "");
    EXPECT_EQ(request.size(), 10u);
    auto after = p.next();
    ASSERT_TRUE(after.ok());
    EXPECT_FALSE(after->has_value());
}

TEST(PolicyRequestParser, ValuesMayContainEqualsSigns) {
    auto p = parser();
    p.feed("request=smtpd_access_policy\nsender=a=b@x\n\n");
    auto next = p.next();
    ASSERT_TRUE(next.ok());
    EXPECT_EQ((*next)->get("sender"), "a=b@x");
}

TEST(PolicyRequestParser, HandlesByteByByteAndPipelinedInput) {
    auto p = parser();
    std::string twice = std::string(kRequest) + kRequest;
    int complete = 0;
    for (char c : twice) {
        p.feed(std::string_view(&c, 1));
        while (true) {
            auto next = p.next();
            ASSERT_TRUE(next.ok()) << next.error();
            if (!next->has_value()) {
                break;
            }
            ++complete;
        }
    }
    EXPECT_EQ(complete, 2);
    EXPECT_EQ(p.pendingBytes(), 0u);
}

TEST(PolicyRequestParser, AcceptsCrLfLines) {
    auto p = parser();
    p.feed("request=smtpd_access_policy\r\nprotocol_state=RCPT\r\n\r\n");
    auto next = p.next();
    ASSERT_TRUE(next.ok()) << next.error();
    EXPECT_EQ((*next)->protocolState(), "RCPT");
}

TEST(PolicyRequestParser, RejectsMalformedInput) {
    const char* cases[] = {
        "request=smtpd_access_policy\nno equals sign\n\n",
        "request=smtpd_access_policy\n=value\n\n",
        "request=smtpd_access_policy\nbad name=x\n\n",
        "request=smtpd_access_policy\nsender=a\nsender=b\n\n",
        "protocol_state=RCPT\n\n",
        "request=something_else\n\n",
        "\n",
    };
    for (const char* text : cases) {
        auto p = parser();
        p.feed(text);
        auto next = p.next();
        EXPECT_FALSE(next.ok()) << text;
    }
}

TEST(PolicyRequestParser, RejectsNulBytes) {
    auto p = parser();
    p.feed(std::string_view("request=smtpd_access_policy\nsender=a\0b\n\n", 40));
    EXPECT_FALSE(p.next().ok());
}

TEST(PolicyRequestParser, EnforcesLineLengthEvenWithoutNewline) {
    auto p = parser(64);
    p.feed("request=smtpd_access_policy\nsender=" + std::string(100, 'a'));
    auto next = p.next();
    ASSERT_FALSE(next.ok());
    EXPECT_NE(next.error().find("line longer than 64"), std::string::npos);
}

TEST(PolicyRequestParser, EnforcesAttributeCount) {
    auto p = parser(4096, 8);
    std::string text = "request=smtpd_access_policy\n";
    for (int i = 0; i < 9; ++i) {
        text += "a" + std::to_string(i) + "=x\n";
    }
    p.feed(text + "\n");
    auto next = p.next();
    ASSERT_FALSE(next.ok());
    EXPECT_NE(next.error().find("more than 8 attributes"), std::string::npos);
}

TEST(PolicyRequestParser, EnforcesRequestSize) {
    auto p = parser(4096, 100000, 1000);
    std::string text = "request=smtpd_access_policy\n";
    for (int i = 0; i < 100; ++i) {
        text += "a" + std::to_string(i) + "=xxxxxxxxxxxxxxxxxxxx\n";
    }
    p.feed(text);
    auto next = p.next();
    ASSERT_FALSE(next.ok());
    EXPECT_NE(next.error().find("request larger than 1000"), std::string::npos);
}

TEST(PolicyReply, SerializesOneLineOnly) {
    PolicyReply reply;
    EXPECT_EQ(reply.serialize(), "action=DUNNO\n\n");
    reply.action = "REJECT bad\r\naction=OK";
    EXPECT_EQ(reply.serialize(), "action=REJECT bad  action=OK\n\n");
}
