// Unit tests of MailClientCheck (gateway/checks/mail_client) and of the header-order symbol
// of HeaderShapeCheck: the fields of real mail clients in, symbols out, with forged
// look-alikes beside the real thing (Outlook Express, Outlook old and new, Thunderbird,
// a mailing list).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "gateway/checks/header_shape/HeaderShapeCheck.hpp"
#include "gateway/checks/mail_client/MailClientCheck.hpp"
#include "gateway/mime/MimeParser.hpp"

namespace mailgate {
namespace {

using Names = std::vector<std::string>;

Message parse(const std::string& headers) {
    return MimeParser(MimeLimits{}).parse(headers + "\r\nhello\r\n", {});
}

Names client(const std::string& headers) {
    Names found;
    for (const auto& symbol : MailClientCheck().check(parse(headers)).symbols) {
        EXPECT_FALSE(symbol.detail.empty()) << symbol.name << " must say why";
        found.push_back(symbol.name);
    }
    return found;
}

const std::string kBasic =
    "From: Ann <ann@example.org>\r\nTo: bob@example.test\r\nSubject: lunch\r\n"
    "Date: Mon, 7 Dec 2026 10:00:00 +0000\r\n";

TEST(MailClient, RealOutlookExpressIsQuiet) {
    EXPECT_TRUE(client(kBasic + "Message-ID: <001a01c1f0e3$5a5b4d60$0100a8c0@workstation>\r\n"
                                "X-Mailer: Microsoft Outlook Express 6.00.2600.0000\r\n"
                                "X-MimeOLE: Produced By Microsoft MimeOLE V6.00.2600.0000\r\n"
                                "X-Priority: 3\r\nX-MSMail-Priority: Normal\r\n")
                    .empty());
}

TEST(MailClient, ModernOutlookWritesThreadIndexInstead) {
    EXPECT_TRUE(client(kBasic +
                       "Message-ID: <000001d9a1b2$3c4d5e60$b5e81b20$@example.org>\r\n"
                       "X-Mailer: Microsoft Outlook 16.0\r\nThread-Index: AdmhsjxNXmC16Bsg\r\n")
                    .empty());
}

TEST(MailClient, OutlookNamedWithoutItsFieldsIsForged) {
    EXPECT_EQ(client(kBasic + "Message-ID: <abc123@example.org>\r\n"
                              "X-Mailer: Microsoft Outlook Express 5.50.4133.2400\r\n"),
              (Names{"MAIL_CLIENT_FORGED_OUTLOOK", "MESSAGE_ID_NOT_CLAIMED_CLIENTS"}));
    EXPECT_EQ(client(kBasic + "X-Mailer: Microsoft Outlook, Build 10.0.2616\r\n"),
              Names{"MAIL_CLIENT_FORGED_OUTLOOK"});
}

TEST(MailClient, MicrosoftFieldsFromAnotherClient) {
    EXPECT_EQ(client(kBasic + "X-Mailer: QuickBulk 2.1\r\nX-MSMail-Priority: Normal\r\n"),
              Names{"MAIL_CLIENT_MICROSOFT_FIELDS_ALONE"});
    EXPECT_EQ(client(kBasic + "X-MimeOLE: Produced By Microsoft MimeOLE V5.50\r\n"),
              Names{"MAIL_CLIENT_MICROSOFT_FIELDS_ALONE"});
    EXPECT_TRUE(
        client(kBasic + "X-Mailer: Microsoft Exchange Server\r\nX-MimeOLE: Produced By X\r\n")
            .empty());
}

TEST(MailClient, Priority) {
    EXPECT_EQ(client(kBasic + "X-Mailer: Mozilla Thunderbird\r\nX-Priority: 1 (Highest)\r\n"),
              Names{"PRIORITY_HIGHEST"});
    EXPECT_EQ(client(kBasic + "X-Priority: 1\r\n"),
              (Names{"PRIORITY_HIGHEST", "PRIORITY_WITHOUT_MAIL_CLIENT"}));
    EXPECT_EQ(client(kBasic + "X-Priority: 3\r\n"), Names{"PRIORITY_WITHOUT_MAIL_CLIENT"});
    EXPECT_TRUE(client(kBasic + "User-Agent: Mutt/1.4i\r\nX-Priority: 10\r\n").empty());
}

TEST(MailClient, ThunderbirdAndNoClientAreQuiet) {
    EXPECT_TRUE(client(kBasic + "Message-ID: <4f2c1e0a-1b2c-4d5e-8f90-123456789abc@example.org>\r\n"
                                "User-Agent: Mozilla Thunderbird\r\n")
                    .empty());
    EXPECT_TRUE(client(kBasic).empty());
}

TEST(MailClient, OutlookExpressMessageIdShape) {
    EXPECT_TRUE(hasOutlookExpressMessageIdShape("<001a01c1f0e3$5a5b4d60$0100a8c0@pc>"));
    EXPECT_TRUE(hasOutlookExpressMessageIdShape(" <00AB01C2F0E3$5A5B4D60$0100A8C0@pc.example>"));
    EXPECT_FALSE(hasOutlookExpressMessageIdShape("<001a01c1f0e3$5a5b4d60$0100a8c0@>"));
    EXPECT_FALSE(hasOutlookExpressMessageIdShape("<001a01c1f0e3$5a5b4d60@pc>"));
    EXPECT_FALSE(hasOutlookExpressMessageIdShape("<001a01c1f0e$5a5b4d60$0100a8c0@pc>"));
    EXPECT_FALSE(hasOutlookExpressMessageIdShape(""));
    EXPECT_FALSE(hasOutlookExpressMessageIdShape("<"));
}

Names shape(const std::string& headers) {
    Names found;
    for (const auto& symbol : HeaderShapeCheck().check(parse(headers)).symbols) {
        found.push_back(symbol.name);
    }
    return found;
}

TEST(HeaderOrder, ReceivedBelowTheAuthorsFields) {
    const std::string trace =
        "Received: from mx.example.org (mx.example.org [192.0.2.1]) by mail.example.test\r\n";
    EXPECT_TRUE(shape(trace + trace + kBasic).empty());
    EXPECT_EQ(shape(trace + kBasic + trace), Names{"RECEIVED_BELOW_MESSAGE_FIELDS"});
    // Resent blocks and list fields sit between trace fields and the author's: fine.
    EXPECT_TRUE(shape(trace + "Resent-From: list@example.org\r\nList-Id: <l.example.org>\r\n" +
                      trace + kBasic)
                    .empty());
}

}  // namespace
}  // namespace mailgate
