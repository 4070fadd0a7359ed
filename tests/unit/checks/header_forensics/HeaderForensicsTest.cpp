// Unit tests of the header forensics (gateway/checks/subject_shape, sender_identity,
// header_shape): messages in, symbols out, including legitimate mail that looks odd
// (mailing lists, newsletters, mail from big providers).
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "gateway/checks/date_header/DateHeaderCheck.hpp"
#include "gateway/checks/header_shape/HeaderShapeCheck.hpp"
#include "gateway/checks/sender_identity/SenderIdentityCheck.hpp"
#include "gateway/checks/subject_shape/SubjectShapeCheck.hpp"
#include "gateway/config/SettingSpec.hpp"
#include "gateway/mime/MimeParser.hpp"

namespace mailgate {
namespace {

Message parse(const std::string& headers, const std::string& body = "hello\r\n") {
    return MimeParser(MimeLimits{}).parse(headers + "\r\n" + body, {});
}

std::vector<std::string> names(const CheckOutcome& outcome) {
    std::vector<std::string> found;
    for (const auto& symbol : outcome.symbols) {
        found.push_back(symbol.name);
        EXPECT_FALSE(symbol.detail.empty()) << symbol.name << " must say why";
    }
    return found;
}

std::vector<std::string> subject(const std::string& headers, const std::string& body = "hi\r\n") {
    return names(SubjectShapeCheck().check(parse(headers, body)));
}

std::vector<std::string> sender(const std::string& headers) {
    return names(SenderIdentityCheck(defaultConfig().header_forensics).check(parse(headers)));
}

std::vector<std::string> shape(const std::string& headers, const std::string& body = "hi\r\n") {
    return names(HeaderShapeCheck().check(parse(headers, body)));
}

using Names = std::vector<std::string>;

TEST(SubjectShape, CapitalsNeedThreeWordsAndTwelveLetters) {
    EXPECT_EQ(subject("Subject: MAKE MONEY FAST NOW\r\n"), Names{"SUBJECT_ALL_CAPITALS"});
    EXPECT_EQ(subject("Subject: FREE VIAGRA 2003 OFFER\r\n"), Names{"SUBJECT_ALL_CAPITALS"});
    EXPECT_TRUE(subject("Subject: URGENT\r\n").empty());          // one word
    EXPECT_TRUE(subject("Subject: RE: FW: IBM Q3\r\n").empty());  // too few letters
    EXPECT_TRUE(subject("Subject: Make money fast now\r\n").empty());
    EXPECT_TRUE(subject("Subject: [SAtalk] NEW RELEASE notes\r\n").empty());
}

TEST(SubjectShape, LoudPunctuation) {
    EXPECT_EQ(subject("Subject: Act now!!!\r\n"), Names{"SUBJECT_PUNCTUATION_RUN"});
    EXPECT_EQ(subject("Subject: $$$ for you\r\n"), Names{"SUBJECT_PUNCTUATION_RUN"});
    EXPECT_EQ(subject("Subject: Win! Now! Free! Yes! Go!\r\n"), Names{"SUBJECT_PUNCTUATION_RUN"});
    EXPECT_TRUE(subject("Subject: Really?! Are you sure?\r\n").empty());
    EXPECT_TRUE(subject("Subject: Price: $5 (was $10)\r\n").empty());
}

TEST(SubjectShape, EmptyOrMissing) {
    EXPECT_EQ(subject("From: a@example.com\r\n"), Names{"SUBJECT_EMPTY"});
    EXPECT_EQ(subject("Subject:   \r\n"), Names{"SUBJECT_EMPTY"});
}

TEST(SubjectShape, EncodedInACharsetTheBodyDoesNotUse) {
    std::string gb = "Subject: =?gb2312?B?xOO6ww==?=\r\n";
    EXPECT_EQ(subject(gb + "Content-Type: text/plain; charset=us-ascii\r\n"),
              Names{"SUBJECT_FOREIGN_CHARSET"});
    EXPECT_TRUE(subject(gb + "Content-Type: text/plain; charset=gb2312\r\n").empty());
    // UTF-8 and ASCII subjects are what every client writes.
    EXPECT_TRUE(subject("Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=\r\n"
                        "Content-Type: text/plain; charset=iso-8859-1\r\n")
                    .empty());
    EXPECT_TRUE(subject("Subject: =?ISO-8859-1?Q?Gr=FC=DFe?=\r\n"
                        "Content-Type: text/plain; charset=ISO-8859-1\r\n")
                    .empty());
}

TEST(SenderIdentity, ADisplayNameCarryingAnotherDomainsAddress) {
    EXPECT_EQ(sender("From: \"service@paypal.com\" <x12@mailer.example>\r\n"),
              Names{"FROM_NAME_OTHER_ADDRESS"});
    // The same address (or domain) in the name is how many clients write it.
    EXPECT_TRUE(sender("From: \"alice@example.com\" <alice@example.com>\r\n").empty());
    EXPECT_TRUE(sender("From: \"alice@mail.example.com\" <alice@example.com>\r\n").empty());
    EXPECT_TRUE(sender("From: Alice Example <alice@example.com>\r\n").empty());
    EXPECT_TRUE(sender("From: \"Bob (via the list)\" <list@lists.example.org>\r\n").empty());
}

TEST(SenderIdentity, RepliesDirectedElsewhere) {
    EXPECT_EQ(sender("From: Bank <info@bank.example>\r\nReply-To: claims@gmail.com\r\n"),
              Names{"REPLY_TO_FREEMAIL"});
    EXPECT_EQ(sender("From: news@shop.example\r\nReply-To: orders@other.example\r\n"),
              Names{"REPLY_TO_OTHER_DOMAIN"});
    // A mailing list directing replies to itself is another domain, scored lightly.
    EXPECT_EQ(sender("From: Alice <alice@example.com>\r\n"
                     "Reply-To: users@lists.project.example\r\n"),
              Names{"REPLY_TO_OTHER_DOMAIN"});
    EXPECT_TRUE(sender("From: Alice <alice@gmail.com>\r\nReply-To: alice@gmail.com\r\n").empty());
    EXPECT_TRUE(
        sender("From: Alice <alice@mail.example.com>\r\nReply-To: help@example.com\r\n").empty());
    EXPECT_TRUE(sender("From: broken <\r\nReply-To: x@gmail.com\r\n").empty());
}

TEST(SenderIdentity, DomainsAreComparedByTheirRegistrableDomain) {
    // Under co.uk, two companies share the last two labels but not the domain.
    EXPECT_EQ(sender("From: news@shop.co.uk\r\nReply-To: orders@other.co.uk\r\n"),
              Names{"REPLY_TO_OTHER_DOMAIN"});
    EXPECT_TRUE(sender("From: news@mail.shop.co.uk\r\nReply-To: orders@shop.co.uk\r\n").empty());
    EXPECT_TRUE(sender("From: \"support@shop.co.uk\" <x@mx.shop.co.uk>\r\n").empty());
}

TEST(SenderIdentity, FreemailMessageIdWrittenElsewhere) {
    EXPECT_EQ(sender("From: Ann <ann@hotmail.com>\r\nMessage-ID: <12345@bulk.example>\r\n"),
              Names{"FREEMAIL_MESSAGE_ID_ELSEWHERE"});
    // The provider, its sister domains, and mail clients that name themselves: quiet.
    EXPECT_TRUE(sender("From: ann@gmail.com\r\nMessage-ID: <CAB+x=1@mail.gmail.com>\r\n").empty());
    EXPECT_TRUE(sender("From: ann@hotmail.com\r\n"
                       "Message-ID: <AM0PR01MB1@AM0PR01MB1.eurprd01.prod.outlook.com>\r\n")
                    .empty());
    EXPECT_TRUE(sender("From: ann@aol.com\r\nMessage-ID: <1.2.3@mail.yahoo.com>\r\n").empty());
    EXPECT_TRUE(sender("From: ann@gmail.com\r\nMessage-ID: <x-1@email.android.com>\r\n").empty());
    // Not freemail, or no Message-ID (header syntax's business): quiet.
    EXPECT_TRUE(sender("From: ann@corp.example\r\nMessage-ID: <1@other.example>\r\n").empty());
    EXPECT_TRUE(sender("From: ann@gmail.com\r\n").empty());
    // "gmail.com.evil.example" is not within gmail.com.
    EXPECT_EQ(sender("From: ann@gmail.com\r\nMessage-ID: <1@gmail.com.evil.example>\r\n"),
              Names{"FREEMAIL_MESSAGE_ID_ELSEWHERE"});
}

TEST(SenderIdentity, FreemailDomainsComeFromTheSettings) {
    HeaderForensicsSettings settings;
    settings.freemail_domains = {"Free.Example"};
    SenderIdentityCheck check(settings);
    auto outcome = check.check(parse("From: a@corp.example\r\nReply-To: b@mail.free.example\r\n"));
    ASSERT_EQ(outcome.symbols.size(), 1u);
    EXPECT_EQ(outcome.symbols[0].name, "REPLY_TO_FREEMAIL");
}

TEST(HeaderShape, RecipientsFields) {
    EXPECT_EQ(shape("From: a@example.com\r\n"), Names{"MISSING_TO"});
    EXPECT_EQ(shape("From: a@example.com\r\nTo: undisclosed-recipients:;\r\n"),
              Names{"TO_UNDISCLOSED"});
    EXPECT_TRUE(shape("From: a@example.com\r\nCc: b@example.com\r\n").empty());
    EXPECT_TRUE(shape("From: a@example.com\r\nTo: Team: a@example.com;\r\n").empty());
    EXPECT_TRUE(shape("From: a@example.com\r\nTo: b@example.com\r\n").empty());
}

TEST(HeaderShape, MimeContentWithoutMimeVersion) {
    std::string multipart =
        "From: a@example.com\r\nTo: b@example.com\r\n"
        "Content-Type: multipart/alternative; boundary=\"b\"\r\n";
    std::string body = "--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--b--\r\n";
    EXPECT_EQ(shape(multipart, body), Names{"MIME_VERSION_MISSING"});
    EXPECT_TRUE(shape("MIME-Version: 1.0\r\n" + multipart, body).empty());
    EXPECT_TRUE(shape("From: a@example.com\r\nTo: b@example.com\r\n"
                      "Content-Type: text/plain; charset=us-ascii\r\n")
                    .empty());
    EXPECT_TRUE(shape("From: a@example.com\r\nTo: b@example.com\r\n").empty());
}

}  // namespace
}  // namespace mailgate

namespace mailgate {
namespace {

// 2026-12-01 12:00:00 UTC.
constexpr std::int64_t kNoon = 20788LL * 86400 + 12 * 3600;

std::vector<std::string> date(const std::string& headers) {
    return names(DateHeaderCheck([] { return kNoon; }).check(parse(headers)));
}

const std::string kReceived =
    "Received: from mx.example.org by gw.example.com; Tue, 1 Dec 2026 12:00:00 +0000\r\n";

TEST(DateHeader, AgainstTheTopmostReceived) {
    EXPECT_TRUE(date(kReceived + "Date: Tue, 1 Dec 2026 13:00:00 +0100\r\n").empty());
    EXPECT_EQ(date(kReceived + "Date: Thu, 3 Dec 2026 12:00:00 +0000\r\n"),
              Names{"DATE_IN_FUTURE"});
    EXPECT_EQ(date(kReceived + "Date: Tue, 1 Dec 2025 12:00:00 +0000\r\n"), Names{"DATE_IN_PAST"});
    // A day late is how slow queues and offline laptops look: fine.
    EXPECT_TRUE(date(kReceived + "Date: Mon, 30 Nov 2026 11:00:00 +0000\r\n").empty());
    // The receiving server's clock is the reference, not now: an old message in a corpus.
    EXPECT_TRUE(date("Received: from a by b; 1 Sep 2002 10:00:00 -0400\r\n"
                     "Date: Sun, 1 Sep 2002 15:55:00 +0200\r\n")
                    .empty());
}

TEST(DateHeader, WithoutReceivedNowIsTheReference) {
    EXPECT_TRUE(date("Date: Tue, 1 Dec 2026 11:00:00 +0000\r\n").empty());
    EXPECT_EQ(date("Date: Tue, 1 Dec 2037 11:00:00 +0000\r\n"), Names{"DATE_IN_FUTURE"});
}

TEST(DateHeader, InvalidDatesAndAbsurdZones) {
    EXPECT_EQ(date(kReceived + "Date: tomorrow at noon\r\n"), Names{"DATE_INVALID"});
    EXPECT_EQ(date(kReceived + "Date: Tue, 1 Dec 2026 12:00:00 +2300\r\n"),
              Names{"DATE_BAD_TIMEZONE"});
    EXPECT_EQ(date(kReceived + "Date: Tue, 1 Dec 2026 12:07:00 +0007\r\n"),
              Names{"DATE_BAD_TIMEZONE"});
    EXPECT_TRUE(date(kReceived + "Date: Tue, 1 Dec 2026 17:45:00 +0545\r\n").empty());
    EXPECT_TRUE(date("From: a@example.com\r\n").empty());  // MISSING_DATE is the syntax check's
}

}  // namespace
}  // namespace mailgate
