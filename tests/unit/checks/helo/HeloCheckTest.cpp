// HeloCheck against StaticDnsLookup: every symbol, the address literal forms, hostile
// HELOs (very long, NUL bytes, 64-byte labels, control characters) that must be judged
// without a DNS query or a crash, our own names and addresses, and DNS failures.
#include <gtest/gtest.h>

#include "gateway/checks/helo/HeloCheck.hpp"
#include "tests/support/StaticDnsLookup.hpp"

namespace mailgate {
namespace {

using testing::runToCompletion;
using testing::StaticDnsLookup;

ClientCheckSettings settingsFor(ClientCheckAction action) {
    ClientCheckSettings settings;
    settings.helo_action = action;
    settings.own_helo_names = {"mx.ours.test"};
    settings.own_addresses = {"203.0.113.0/28", "2001:db8:ffff::1"};
    settings.score_helo_invalid = 2.0;
    settings.score_helo_not_resolving = 1.0;
    settings.score_helo_is_ours = 4.0;
    return settings;
}

struct HeloRun {
    CheckOutcome outcome;
    int queries = 0;
};

HeloRun runHelo(const std::string& helo, const std::string& client = "192.0.2.25",
                ClientCheckAction action = ClientCheckAction::Reject,
                StaticDnsLookup dns = StaticDnsLookup()) {
    SmtpSession session;
    session.client_address = *IpAddress::parse(client);
    session.helo = helo;
    HeloCheck check(settingsFor(action));
    HeloRun result;
    result.outcome = runToCompletion(check.check(session, dns));
    result.queries = dns.queries;
    return result;
}

std::string onlySymbol(const CheckOutcome& outcome) {
    return outcome.symbols.size() == 1 ? outcome.symbols[0].name
                                       : "<" + std::to_string(outcome.symbols.size()) + " symbols>";
}

StaticDnsLookup resolvingDns() {
    StaticDnsLookup dns;
    dns.addText("mail.example.test", DnsType::A, "192.0.2.25");
    dns.addText("v6only.example.test", DnsType::Aaaa, "2001:db8::25");
    dns.addMx("mxonly.example.test", 10, "mail.example.test");
    return dns;
}

TEST(HeloCheck, ResolvingNamePasses) {
    for (const char* helo : {"mail.example.test", "MAIL.Example.TEST.", "v6only.example.test",
                             "mxonly.example.test"}) {
        auto run = runHelo(helo, "192.0.2.25", ClientCheckAction::Reject, resolvingDns());
        EXPECT_TRUE(run.outcome.symbols.empty()) << helo;
        EXPECT_FALSE(run.outcome.reply) << helo;
    }
}

TEST(HeloCheck, NameWithoutRecordsIsNotResolving) {
    StaticDnsLookup dns;
    dns.addName("bare.example.test");
    for (const char* helo : {"nowhere.example.test", "bare.example.test"}) {
        auto run = runHelo(helo, "192.0.2.25", ClientCheckAction::Reject, dns);
        EXPECT_EQ(onlySymbol(run.outcome), "HELO_NOT_RESOLVING") << helo;
        EXPECT_DOUBLE_EQ(run.outcome.symbols[0].score, 1.0);
        ASSERT_TRUE(run.outcome.rejects());
        EXPECT_EQ(run.outcome.reply->toString(), "550 5.7.1 Helo command rejected: Host not found");
        EXPECT_EQ(run.queries, 3) << "A, AAAA and MX asked";
    }
}

TEST(HeloCheck, MatchingAddressLiteralsPass) {
    EXPECT_TRUE(runHelo("[192.0.2.25]").outcome.symbols.empty());
    EXPECT_TRUE(runHelo("[IPv6:2001:db8::25]", "2001:db8::25").outcome.symbols.empty());
    EXPECT_TRUE(runHelo("[ipv6:2001:DB8:0::25]", "2001:db8::25").outcome.symbols.empty());
    EXPECT_TRUE(runHelo("[2001:db8::25]", "2001:db8::25").outcome.symbols.empty());
    EXPECT_EQ(runHelo("[192.0.2.25]").queries, 0);
}

TEST(HeloCheck, LiteralOfAnotherAddressMismatches) {
    auto run = runHelo("[192.0.2.26]");
    EXPECT_EQ(onlySymbol(run.outcome), "HELO_LITERAL_MISMATCH");
    EXPECT_DOUBLE_EQ(run.outcome.symbols[0].score, 2.0);
    ASSERT_TRUE(run.outcome.rejects());
    EXPECT_EQ(run.outcome.reply->status, "5.7.1");
    EXPECT_EQ(onlySymbol(runHelo("[IPv6:2001:db8::26]", "2001:db8::25").outcome),
              "HELO_LITERAL_MISMATCH");
    EXPECT_EQ(onlySymbol(runHelo("[IPv6:2001:db8::25]", "192.0.2.25").outcome),
              "HELO_LITERAL_MISMATCH");
}

TEST(HeloCheck, BareAddressIsInvalidEvenWhenItMatches) {
    for (const char* helo : {"192.0.2.25", "2001:db8::25"}) {
        auto run = runHelo(helo);
        EXPECT_EQ(onlySymbol(run.outcome), "HELO_BARE_IP") << helo;
        ASSERT_TRUE(run.outcome.rejects());
        EXPECT_EQ(run.outcome.reply->code, 501);
        EXPECT_EQ(run.outcome.reply->status, "5.5.2");
        EXPECT_EQ(run.queries, 0);
    }
}

TEST(HeloCheck, MalformedLiteralsAreInvalidSyntax) {
    for (const char* helo : {"[]", "[192.0.2]", "[IPv6:192.0.2.25]", "[192.0.2.256]",
                             "[mail.example.test]", "[IPv6:]", "[ 192.0.2.25]"}) {
        auto run = runHelo(helo);
        EXPECT_EQ(onlySymbol(run.outcome), "HELO_INVALID_SYNTAX") << helo;
        EXPECT_EQ(run.outcome.reply->code, 501) << helo;
    }
}

TEST(HeloCheck, SingleLabelIsNotFullyQualified) {
    auto run = runHelo("WIN-DESKTOP");
    EXPECT_EQ(onlySymbol(run.outcome), "HELO_INVALID_SYNTAX");
    EXPECT_NE(run.outcome.symbols[0].detail.find("not fully qualified"), std::string::npos);
    EXPECT_EQ(run.outcome.reply->toString(),
              "504 5.5.2 Helo command rejected: need fully-qualified hostname");
    EXPECT_EQ(run.queries, 0);
}

TEST(HeloCheck, HostileNamesAreInvalidWithoutAnyLookup) {
    const std::string label64(64, 'a');
    const std::string label63(63, 'a');
    const std::vector<std::string> hostile = {
        std::string(100000, 'x') + ".example.test",
        std::string("mail.example.test\0evil", 22),
        std::string("192.0.2.25\0", 11),
        std::string("[192.0.2.25\0]", 13),
        label64 + ".example.test",
        label63 + "." + label63 + "." + label63 + "." + label63 + ".test",  // 260 bytes
        "mail..example.test",
        ".example.test",
        "-mail.example.test",
        "mail-.example.test",
        "mail example.test",
        "mail.example.test\r\nMAIL FROM:<x@y>",
        "m\xc3\xa4il.example.test",
        " ",
        ".",
        "192.0.2",
        "host.123",
    };
    for (const auto& helo : hostile) {
        auto run = runHelo(helo);
        EXPECT_EQ(onlySymbol(run.outcome), "HELO_INVALID_SYNTAX") << helo.substr(0, 80);
        EXPECT_EQ(run.queries, 0) << helo.substr(0, 80);
        ASSERT_TRUE(run.outcome.rejects());
        // The detail is bounded and printable, whatever the client sent.
        const auto& detail = run.outcome.symbols[0].detail;
        EXPECT_LT(detail.size(), 200u);
        for (unsigned char c : detail) {
            EXPECT_TRUE(c >= 0x20 && c < 0x7f) << helo.substr(0, 80);
        }
    }
}

TEST(HeloCheck, LongestValidNameIsJudgedByDns) {
    const std::string label63(63, 'a');
    const std::string name = label63 + "." + label63 + "." + label63 + "." + std::string(56, 'b') +
                             ".test";  // 253 bytes
    ASSERT_EQ(name.size(), 253u);
    auto run = runHelo(name);
    EXPECT_EQ(onlySymbol(run.outcome), "HELO_NOT_RESOLVING");
}

TEST(HeloCheck, EmptyHeloMeansNotGreetedYet) {
    auto run = runHelo("");
    EXPECT_TRUE(run.outcome.symbols.empty());
    EXPECT_EQ(run.queries, 0);
}

TEST(HeloCheck, OurOwnNameOrAddressIsForged) {
    auto name = runHelo("MX.ours.test.");
    EXPECT_EQ(onlySymbol(name.outcome), "HELO_IS_OURS");
    EXPECT_DOUBLE_EQ(name.outcome.symbols[0].score, 4.0);
    EXPECT_EQ(name.outcome.reply->toString(), "550 5.7.1 Helo command rejected: you are not me");
    EXPECT_EQ(name.queries, 0);
    EXPECT_EQ(onlySymbol(runHelo("[203.0.113.5]").outcome), "HELO_IS_OURS");
    EXPECT_EQ(onlySymbol(runHelo("203.0.113.5").outcome), "HELO_IS_OURS");
    EXPECT_EQ(onlySymbol(runHelo("[IPv6:2001:db8:ffff::1]", "2001:db8::25").outcome),
              "HELO_IS_OURS");
}

TEST(HeloCheck, OurOwnHostMayUseOurName) {
    auto dns = resolvingDns();
    dns.addText("mx.ours.test", DnsType::A, "203.0.113.2");
    auto run = runHelo("mx.ours.test", "203.0.113.2", ClientCheckAction::Reject, dns);
    EXPECT_TRUE(run.outcome.symbols.empty());
    EXPECT_TRUE(runHelo("[203.0.113.2]", "203.0.113.2").outcome.symbols.empty());
}

TEST(HeloCheck, ScoreActionNeverReplies) {
    auto run = runHelo("WIN-DESKTOP", "192.0.2.25", ClientCheckAction::Score);
    EXPECT_EQ(onlySymbol(run.outcome), "HELO_INVALID_SYNTAX");
    EXPECT_FALSE(run.outcome.reply);
}

TEST(HeloCheck, AuthenticatedAndTrustedClientsAreSkipped) {
    for (bool authenticated : {true, false}) {
        SmtpSession session;
        session.client_address = *IpAddress::parse("192.0.2.25");
        session.helo = "WIN-DESKTOP";
        session.authenticated_user = authenticated ? "alice" : "";
        session.trusted_network = !authenticated;
        StaticDnsLookup dns;
        HeloCheck check(settingsFor(ClientCheckAction::Reject));
        EXPECT_TRUE(runToCompletion(check.check(session, dns)).symbols.empty());
    }
}

TEST(HeloCheck, DnsFailureNeverRejects) {
    StaticDnsLookup dns;
    dns.failTemporarily("slow.example.test");
    auto run = runHelo("slow.example.test", "192.0.2.25", ClientCheckAction::Reject, dns);
    EXPECT_EQ(onlySymbol(run.outcome), "HELO_DNS_FAILURE");
    EXPECT_DOUBLE_EQ(run.outcome.symbols[0].score, 0.0);
    EXPECT_FALSE(run.outcome.dependency_failure.empty());
    EXPECT_FALSE(run.outcome.reply);
    EXPECT_EQ(run.queries, 1) << "the first failing lookup ends the check";
}

TEST(HeloCheck, DnsFailureWithTempfailPolicyDefers) {
    StaticDnsLookup dns;
    dns.failTemporarily("slow.example.test");
    auto settings = settingsFor(ClientCheckAction::Reject);
    settings.on_dns_failure = ClientCheckDnsFailure::Tempfail;
    SmtpSession session;
    session.client_address = *IpAddress::parse("192.0.2.25");
    session.helo = "slow.example.test";
    auto outcome = runToCompletion(HeloCheck(settings).check(session, dns));
    ASSERT_TRUE(outcome.defers());
    EXPECT_EQ(outcome.reply->code, 451);
}

}  // namespace
}  // namespace mailgate
