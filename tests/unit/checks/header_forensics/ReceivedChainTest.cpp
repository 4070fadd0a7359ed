// Unit tests of the Received field reader (gateway/mime/ReceivedField) on the ways real
// servers write it (Postfix, Sendmail, Exim, qmail, Microsoft) and on hostile values, and of
// ReceivedChainCheck: which hop it judges (the topmost public, untrusted client) and what it
// says of it, with legitimate chains (a big provider, a forwarded message, an internal hop).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "gateway/checks/received_chain/ReceivedChainCheck.hpp"
#include "gateway/mime/MimeParser.hpp"
#include "gateway/mime/ReceivedField.hpp"

namespace mailgate {
namespace {

TEST(ReceivedField, Postfix) {
    auto field = parseReceivedField(
        "from mail.example.org (mail.example.org [192.0.2.10]) by mx.example.test (Postfix) "
        "with ESMTPS id 4F1; Mon, 7 Dec 2026 10:00:00 +0000 (UTC)");
    EXPECT_EQ(field.client_address, "192.0.2.10");
    EXPECT_EQ(field.helo, "mail.example.org");
    EXPECT_EQ(field.reverse, ReverseName::Named);
    EXPECT_EQ(field.reverse_name, "mail.example.org");
    EXPECT_EQ(field.by, "mx.example.test");
    ASSERT_TRUE(field.date);
    EXPECT_EQ(*field.date, 1796637600);

    auto unknown = parseReceivedField(
        "from PC-7 (unknown [198.51.100.7]) by mx.example.test (Postfix) with SMTP id 1");
    EXPECT_EQ(unknown.client_address, "198.51.100.7");
    EXPECT_EQ(unknown.helo, "pc-7");
    EXPECT_EQ(unknown.reverse, ReverseName::Missing);
    EXPECT_FALSE(unknown.date);

    auto ipv6 = parseReceivedField("from a.example (a.example [IPv6:2001:db8::5]) by b");
    EXPECT_EQ(ipv6.client_address, "2001:db8::5");
}

TEST(ReceivedField, SendmailWithoutReverseName) {
    auto field = parseReceivedField(
        "from [203.0.113.9] ([203.0.113.9]) by mx.example.test (8.11.6/8.11.6) with SMTP id x");
    EXPECT_EQ(field.client_address, "203.0.113.9");
    EXPECT_EQ(field.helo, "[203.0.113.9]");
    EXPECT_EQ(field.reverse, ReverseName::Missing);
}

TEST(ReceivedField, Exim) {
    auto field = parseReceivedField(
        "from host.isp.example ([192.0.2.44] helo=friendly) by mx.example.test with esmtp "
        "(Exim 4.96) id 1r; Mon, 07 Dec 2026 10:00:00 +0100");
    EXPECT_EQ(field.client_address, "192.0.2.44");
    EXPECT_EQ(field.helo, "friendly");
    EXPECT_EQ(field.reverse, ReverseName::Named);
    EXPECT_EQ(field.reverse_name, "host.isp.example");

    auto bare = parseReceivedField("from [192.0.2.45] (helo=box.example) by mx with smtp");
    EXPECT_EQ(bare.client_address, "192.0.2.45");
    EXPECT_EQ(bare.helo, "box.example");
    EXPECT_EQ(bare.reverse, ReverseName::Missing);
}

TEST(ReceivedField, Qmail) {
    auto field = parseReceivedField(
        "from unknown (HELO mailer) (192.0.2.99) by mx.example.test "
        "with SMTP; 7 Dec 2026 10:00:00 -0000");
    EXPECT_EQ(field.client_address, "192.0.2.99");
    EXPECT_EQ(field.helo, "mailer");
    EXPECT_EQ(field.reverse, ReverseName::Missing);
}

TEST(ReceivedField, HostileValues) {
    EXPECT_TRUE(parseReceivedField("").client_address.empty());
    EXPECT_TRUE(parseReceivedField("from").client_address.empty());
    EXPECT_TRUE(parseReceivedField("from (((([[[[").client_address.empty());
    EXPECT_TRUE(parseReceivedField("by only.example; garbage date").by == "only.example");
    auto field = parseReceivedField("from x ([999.1.1.1]) by y");
    EXPECT_TRUE(field.client_address.empty());
    std::string huge = "from " + std::string(100000, '(') + " [192.0.2.1]";
    EXPECT_TRUE(parseReceivedField(huge).client_address.empty());  // beyond 2,000 bytes
    std::string binary("from \0\xff\xfe (x [192.0.2.1]) by \x80", 30);
    EXPECT_EQ(parseReceivedField(binary).client_address, "192.0.2.1");
}

TEST(ReceivedChain, DynamicNames) {
    EXPECT_TRUE(looksDynamic("adsl-64-161-12-3.dsl.isp.example", "64.161.12.3"));
    EXPECT_TRUE(looksDynamic("c-24-5-6-7.hsd1.ca.comcast.example", "24.5.6.7"));
    EXPECT_TRUE(looksDynamic("pool-71-2-3-4.bltmmd.fios.example", "71.2.3.4"));
    EXPECT_TRUE(looksDynamic("dialup12.city.isp.example", "192.0.2.1"));
    EXPECT_TRUE(looksDynamic("host-198-051-100-007.isp.example", "198.51.100.7"));
    EXPECT_FALSE(looksDynamic("mail.example.org", "192.0.2.1"));
    EXPECT_FALSE(looksDynamic("smtp-out-12.mailer.example", "192.0.2.12"));  // one number
    EXPECT_FALSE(looksDynamic("mx.dsl.example", "192.0.2.1"));  // "dsl" is the domain's name
    EXPECT_FALSE(looksDynamic("poolside.example.org", "192.0.2.1"));
    EXPECT_FALSE(looksDynamic("", ""));
}

std::vector<std::string> chain(const std::string& headers, std::vector<IpNetwork> trusted = {}) {
    auto message =
        MimeParser(MimeLimits{})
            .parse(
                headers + "From: a@example.org\r\nTo: b@example.test\r\nSubject: s\r\n\r\nhi\r\n",
                {});
    std::vector<std::string> names;
    for (const auto& symbol : ReceivedChainCheck(std::move(trusted)).check(message).symbols) {
        EXPECT_FALSE(symbol.detail.empty()) << symbol.name;
        names.push_back(symbol.name);
    }
    return names;
}

using Names = std::vector<std::string>;

TEST(ReceivedChain, JudgesTheTopmostPublicUntrustedHop) {
    const std::string internal =
        "Received: from localhost (localhost [127.0.0.1]) by box.example.test; "
        "Mon, 7 Dec 2026 10:00:05 +0000\r\n"
        "Received: from filter.example.test (filter.example.test [10.0.0.5]) by "
        "box.example.test; Mon, 7 Dec 2026 10:00:04 +0000\r\n";
    const std::string dynamicHop =
        "Received: from PC7 (adsl-64-161-12-3.dsl.isp.example [64.161.12.3]) by "
        "mx.example.test (Postfix); Mon, 7 Dec 2026 10:00:03 +0000\r\n";
    const std::string providerHop =
        "Received: from mail-out.provider.example (mail-out.provider.example [192.0.2.20]) by "
        "mx.example.test (Postfix); Mon, 7 Dec 2026 10:00:03 +0000\r\n";
    EXPECT_EQ(chain(internal + dynamicHop),
              (Names{"RECEIVED_CLIENT_DYNAMIC", "RECEIVED_HELO_NOT_A_NAME"}));
    // The provider's own submission hop below is theirs to judge, not ours.
    EXPECT_TRUE(chain(internal + providerHop + dynamicHop).empty());
    // A trusted relay (relay.trusted_networks) is skipped like a private one.
    auto trusted = IpNetwork::parse("192.0.2.16/28");
    ASSERT_TRUE(trusted);
    EXPECT_EQ(chain(providerHop + dynamicHop, {trusted.value()}),
              (Names{"RECEIVED_CLIENT_DYNAMIC", "RECEIVED_HELO_NOT_A_NAME"}));
    EXPECT_TRUE(chain("").empty());
}

TEST(ReceivedChain, NoReverseNameAndAddressGreeting) {
    EXPECT_EQ(chain("Received: from [198.51.100.7] (unknown [198.51.100.7]) by mx.example.test "
                    "(Postfix); Mon, 7 Dec 2026 10:00:03 +0000\r\n"),
              (Names{"RECEIVED_CLIENT_NO_RDNS", "RECEIVED_HELO_NOT_A_NAME"}));
}

TEST(ReceivedChain, DatesOutOfOrder) {
    const std::string top =
        "Received: from mail.example.org (mail.example.org [192.0.2.10]) by mx.example.test; "
        "Mon, 7 Dec 2026 10:00:00 +0000\r\n";
    EXPECT_EQ(chain(top + "Received: from x.example.org (x.example.org [192.0.2.11]) by "
                          "mail.example.org; Thu, 10 Dec 2026 10:00:00 +0000\r\n"),
              Names{"RECEIVED_DATES_OUT_OF_ORDER"});
    // Clocks a few hours apart, time zones, and a missing date are normal.
    EXPECT_TRUE(chain(top + "Received: from x.example.org (x.example.org [192.0.2.11]) by "
                            "mail.example.org; Mon, 7 Dec 2026 14:00:00 +0000\r\n"
                            "Received: by y.example.org; someday\r\n")
                    .empty());
}

}  // namespace
}  // namespace mailgate
