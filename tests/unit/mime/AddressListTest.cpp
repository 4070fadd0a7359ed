// Unit tests of the RFC 5322 address reader behind the header syntax check: the forms
// mail really uses (display names, quoted strings, comments, groups, obsolete routes),
// and what must not parse.
#include <gtest/gtest.h>

#include "gateway/mime/AddressList.hpp"

using namespace mailgate;

namespace {

std::vector<Mailbox> parsed(const char* text, AddressSyntax syntax = AddressSyntax::AddressList) {
    auto result = parseAddresses(text, syntax);
    EXPECT_TRUE(result.ok()) << text << ": " << (result ? "" : result.error());
    return result ? *result : std::vector<Mailbox>{};
}

bool refused(const char* text, AddressSyntax syntax = AddressSyntax::AddressList) {
    return !parseAddresses(text, syntax).ok();
}

}  // namespace

TEST(AddressList, CommonForms) {
    auto one = parsed("alice@example.com");
    ASSERT_EQ(one.size(), 1u);
    EXPECT_EQ(one[0].address(), "alice@example.com");
    auto named = parsed("\"Doe, Jane\" <jane@example.com>, Bob Smith <bob@example.org>");
    ASSERT_EQ(named.size(), 2u);
    EXPECT_EQ(named[0].display_name, "Doe, Jane");
    EXPECT_EQ(named[1].display_name, "Bob Smith");
    EXPECT_EQ(named[1].address(), "bob@example.org");
    auto encoded = parsed("=?UTF-8?B?SsO2cmc=?= <joerg@example.de>");
    ASSERT_EQ(encoded.size(), 1u);
    EXPECT_EQ(encoded[0].domain, "example.de");
}

TEST(AddressList, CommentsFoldingQuotedLocalPartsAndLiterals) {
    auto mailboxes = parsed(
        "(the boss) ceo (sort of) @ example.com, \"john..doe\"@example.com, "
        "user@[192.0.2.1], a.b.c@sub.example.com (nested (comment))");
    ASSERT_EQ(mailboxes.size(), 4u);
    EXPECT_EQ(mailboxes[0].address(), "ceo@example.com");
    EXPECT_EQ(mailboxes[1].local_part, "\"john..doe\"");
    EXPECT_EQ(mailboxes[2].domain, "[192.0.2.1]");
}

TEST(AddressList, GroupsAndObsoleteForms) {
    EXPECT_TRUE(parsed("undisclosed-recipients:;").empty());
    auto team = parsed("Team: a@example.com, b@example.com;, c@example.com");
    ASSERT_EQ(team.size(), 3u);
    EXPECT_EQ(team[2].address(), "c@example.com");
    auto routed = parsed("Old <@relay.example,@other.example:user@example.com>");
    ASSERT_EQ(routed.size(), 1u);
    EXPECT_EQ(routed[0].address(), "user@example.com");
    EXPECT_EQ(parsed("a@example.com,,b@example.com").size(), 2u);
    EXPECT_EQ(parsed("John Q. Public <jqp@example.com>")[0].display_name, "John Q. Public");
}

TEST(AddressList, EmptyDisplayNamesQuotedPairsAndCommentsAreValid) {
    // RFC 5322 allows an empty quoted string as the display name: it is a phrase.
    auto empty = parsed("\"\" <someone@example.com>", AddressSyntax::Mailbox);
    ASSERT_EQ(empty.size(), 1u);
    EXPECT_EQ(empty[0].display_name, "");
    EXPECT_EQ(empty[0].address(), "someone@example.com");
    EXPECT_EQ(parsed("(only a comment) <a@example.com>")[0].address(), "a@example.com");
    EXPECT_EQ(parsed("\"\" (and a comment) <a@example.com>")[0].address(), "a@example.com");
    EXPECT_EQ(parsed("\"\" \"\" <a@example.com>")[0].address(), "a@example.com");
    EXPECT_EQ(parsed("\"say \\\"hi\\\"\" <a@example.com>")[0].display_name, "say \"hi\"");
    EXPECT_EQ(parsed("\"back\\\\slash\" <a@example.com>")[0].display_name, "back\\slash");
    EXPECT_TRUE(parsed("\"\": ;").empty());
    EXPECT_EQ(parsed("A. B. Smith <ab@example.com>")[0].display_name, "A. B. Smith");
    // An empty quoted string is still not an address.
    EXPECT_TRUE(refused("\"\"", AddressSyntax::Mailbox));
}

TEST(AddressList, EachFieldsSyntax) {
    EXPECT_TRUE(refused("a@example.com, b@example.com", AddressSyntax::Mailbox));
    EXPECT_TRUE(refused("Team: a@example.com;", AddressSyntax::MailboxList));
    EXPECT_EQ(parsed("a@example.com, b@example.com", AddressSyntax::MailboxList).size(), 2u);
    EXPECT_TRUE(parseAddresses("", AddressSyntax::OptionalAddressList).ok());
    EXPECT_TRUE(parseAddresses(" (nobody) ", AddressSyntax::OptionalAddressList).ok());
    EXPECT_TRUE(refused("", AddressSyntax::AddressList));
}

TEST(AddressList, BrokenAddressesAreRefusedWithWhereAndWhy) {
    for (const char* bad :
         {"root", "alice@", "@example.com", "<alice@example.com", "Alice <alice@example.com",
          "alice@example.com>", "a b c", "alice@example..com", "\"unterminated@example.com",
          "(unterminated comment alice@example.com", "a@b.c d@e.f", "alice@[192.0.2.1",
          "Jane Doe jane@example.com"}) {
        auto result = parseAddresses(bad, AddressSyntax::AddressList);
        EXPECT_FALSE(result.ok()) << bad;
        if (!result) {
            EXPECT_NE(result.error().find("at offset"), std::string::npos) << result.error();
        }
    }
}

TEST(AddressList, HostileInputStaysBounded) {
    std::string deep(200, '(');
    EXPECT_FALSE(parseAddresses(deep + "a@b.c", AddressSyntax::AddressList).ok());
    std::string many;
    for (int i = 0; i < 5000; ++i) {
        many += (i ? "," : "") + std::string("u") + std::to_string(i) + "@example.com";
    }
    EXPECT_EQ(parsed(many.c_str()).size(), 5000u);
    std::string nul = std::string("\"a\0b\"@example.com", 16);
    EXPECT_FALSE(parseAddresses(nul, AddressSyntax::AddressList).ok());
    // A comment ending in a lone backslash (found by fuzz_MimeMessage) is an error, not a
    // read past the end.
    for (const char* text : {"A <a@b.c>, (c) \\", "(\\", "a@b.c (x\\"}) {
        EXPECT_FALSE(parseAddresses(text, AddressSyntax::AddressList).ok()) << text;
        EXPECT_FALSE(parseAddresses(text, AddressSyntax::Mailbox).ok()) << text;
    }
}
