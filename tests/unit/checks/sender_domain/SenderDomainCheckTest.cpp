// SenderDomainCheck against StaticDnsLookup: MX present, the implicit MX (A/AAAA fallback),
// RFC 7505 null MX, domains that do not exist, junk and literal domains, the null sender,
// skipped clients, and DNS failures that must never reject. Also SmtpStageChecks merging.
#include <gtest/gtest.h>

#include "gateway/checks/sender_domain/SenderDomainCheck.hpp"
#include "gateway/engine/SmtpStageChecks.hpp"
#include "tests/support/StaticDnsLookup.hpp"

namespace mailgate {
namespace {

using testing::runToCompletion;
using testing::StaticDnsLookup;

ClientCheckSettings settingsFor(ClientCheckAction action) {
    ClientCheckSettings settings;
    settings.sender_domain_action = action;
    settings.score_sender_domain_unknown = 3.0;
    settings.score_sender_domain_null_mx = 5.0;
    return settings;
}

CheckOutcome runSender(const std::string& sender, StaticDnsLookup& dns,
                       ClientCheckAction action = ClientCheckAction::Reject) {
    SmtpSession session;
    session.client_address = *IpAddress::parse("192.0.2.25");
    session.sender = sender;
    SenderDomainCheck check(settingsFor(action));
    return runToCompletion(check.check(session, dns));
}

TEST(SenderDomainCheck, DomainWithMxPasses) {
    StaticDnsLookup dns;
    dns.addMx("example.test", 10, "mx.example.test");
    auto outcome = runSender("alice@Example.TEST", dns);
    EXPECT_TRUE(outcome.symbols.empty());
    EXPECT_FALSE(outcome.reply);
    EXPECT_EQ(dns.queries, 1);
}

TEST(SenderDomainCheck, DomainWithoutMxFallsBackToAOrAaaa) {
    StaticDnsLookup dns;
    dns.addText("a-only.example.test", DnsType::A, "192.0.2.30");
    dns.addText("v6-only.example.test", DnsType::Aaaa, "2001:db8::30");
    EXPECT_TRUE(runSender("bob@a-only.example.test", dns).symbols.empty());
    EXPECT_TRUE(runSender("bob@v6-only.example.test", dns).symbols.empty());
    EXPECT_EQ(dns.asked[1], std::make_pair(std::string("a-only.example.test"), DnsType::A));
}

TEST(SenderDomainCheck, NullMxRejectsWith5727) {
    StaticDnsLookup dns;
    dns.addMx("nomail.example.test", 0, "");
    dns.addText("nomail.example.test", DnsType::A, "192.0.2.31");  // A does not matter
    auto outcome = runSender("noreply@nomail.example.test", dns);
    ASSERT_EQ(outcome.symbols.size(), 1u);
    EXPECT_EQ(outcome.symbols[0].name, "SENDER_DOMAIN_NULL_MX");
    EXPECT_DOUBLE_EQ(outcome.symbols[0].score, 5.0);
    ASSERT_TRUE(outcome.rejects());
    EXPECT_EQ(outcome.reply->toString(),
              "550 5.7.27 Sender address rejected: sender domain does not accept mail");
    EXPECT_EQ(dns.queries, 1);
}

TEST(SenderDomainCheck, NullMxNeedsASingleZeroPreferenceRootRecord) {
    DnsAnswer answer;
    answer.status = DnsStatus::Ok;
    answer.records = {DnsRecord{"", 0, {}}};
    EXPECT_TRUE(isNullMx(answer));
    answer.records = {DnsRecord{"", 10, {}}};
    EXPECT_FALSE(isNullMx(answer));
    answer.records = {DnsRecord{"", 0, {}}, DnsRecord{"mx.example.test", 10, {}}};
    EXPECT_FALSE(isNullMx(answer)) << "another MX still takes mail";
    answer.records = {DnsRecord{"mx.example.test", 0, {}}};
    EXPECT_FALSE(isNullMx(answer));
}

TEST(SenderDomainCheck, NullMxWithScoreActionOnlyScores) {
    StaticDnsLookup dns;
    dns.addMx("nomail.example.test", 0, "");
    auto outcome = runSender("x@nomail.example.test", dns, ClientCheckAction::Score);
    ASSERT_EQ(outcome.symbols.size(), 1u);
    EXPECT_EQ(outcome.symbols[0].name, "SENDER_DOMAIN_NULL_MX");
    EXPECT_FALSE(outcome.reply);
}

TEST(SenderDomainCheck, DomainThatDoesNotExistIsUnknown) {
    StaticDnsLookup dns;
    auto outcome = runSender("carol@missing.example.test", dns);
    ASSERT_EQ(outcome.symbols.size(), 1u);
    EXPECT_EQ(outcome.symbols[0].name, "SENDER_DOMAIN_UNKNOWN");
    EXPECT_DOUBLE_EQ(outcome.symbols[0].score, 3.0);
    EXPECT_NE(outcome.symbols[0].detail.find("does not exist"), std::string::npos);
    ASSERT_TRUE(outcome.rejects());
    EXPECT_EQ(outcome.reply->toString(), "550 5.1.8 Sender address rejected: Domain not found");
    EXPECT_EQ(dns.queries, 1) << "NXDOMAIN answers for every type";
}

TEST(SenderDomainCheck, DomainWithNoMailRecordsIsUnknown) {
    StaticDnsLookup dns;
    dns.addText("txt-only.example.test", DnsType::Txt, "v=spf1 -all");
    auto outcome = runSender("dave@txt-only.example.test", dns);
    ASSERT_EQ(outcome.symbols.size(), 1u);
    EXPECT_EQ(outcome.symbols[0].name, "SENDER_DOMAIN_UNKNOWN");
    EXPECT_EQ(dns.queries, 3);
}

TEST(SenderDomainCheck, InvalidDomainsAreUnknownWithoutALookup) {
    StaticDnsLookup dns;
    for (const std::string& sender :
         {std::string("no-at-sign"), std::string("trailing@"), std::string("x@localhost"),
          std::string("x@bad..example.test"), std::string("x@exa mple.test"),
          std::string("x@example.test\0.evil", 20), "x@" + std::string(64, 'a') + ".test",
          std::string("x@[192.0.2.999]")}) {
        auto outcome = runSender(sender, dns);
        ASSERT_EQ(outcome.symbols.size(), 1u) << sender;
        EXPECT_EQ(outcome.symbols[0].name, "SENDER_DOMAIN_UNKNOWN") << sender;
    }
    EXPECT_EQ(dns.queries, 0);
}

TEST(SenderDomainCheck, AddressLiteralDomainNeedsNoLookup) {
    StaticDnsLookup dns;
    EXPECT_TRUE(runSender("root@[192.0.2.1]", dns).symbols.empty());
    EXPECT_TRUE(runSender("root@[IPv6:2001:db8::1]", dns).symbols.empty());
    EXPECT_EQ(dns.queries, 0);
}

TEST(SenderDomainCheck, NullSenderAndSkippedClientsAreNotChecked) {
    StaticDnsLookup dns;
    EXPECT_TRUE(runSender("", dns).symbols.empty());
    SmtpSession session;
    session.sender = "x@missing.example.test";
    session.authenticated_user = "alice";
    SenderDomainCheck check(settingsFor(ClientCheckAction::Reject));
    EXPECT_TRUE(runToCompletion(check.check(session, dns)).symbols.empty());
    session.authenticated_user.clear();
    session.trusted_network = true;
    EXPECT_TRUE(runToCompletion(check.check(session, dns)).symbols.empty());
    EXPECT_EQ(dns.queries, 0);
}

TEST(SenderDomainCheck, DnsFailureNeverRejects) {
    StaticDnsLookup dns;
    dns.failTemporarily("slow.example.test");
    auto outcome = runSender("erin@slow.example.test", dns);
    ASSERT_EQ(outcome.symbols.size(), 1u);
    EXPECT_EQ(outcome.symbols[0].name, "SENDER_DOMAIN_DNS_FAILURE");
    EXPECT_DOUBLE_EQ(outcome.symbols[0].score, 0.0);
    EXPECT_NE(outcome.dependency_failure.find("MX slow.example.test"), std::string::npos);
    EXPECT_FALSE(outcome.reply);
}

TEST(SenderDomainCheck, DnsFailureWithTempfailPolicyDefers) {
    StaticDnsLookup dns;
    dns.failTemporarily("slow.example.test");
    auto settings = settingsFor(ClientCheckAction::Reject);
    settings.on_dns_failure = ClientCheckDnsFailure::Tempfail;
    SmtpSession session;
    session.sender = "erin@slow.example.test";
    auto outcome = runToCompletion(SenderDomainCheck(settings).check(session, dns));
    ASSERT_TRUE(outcome.defers());
    EXPECT_EQ(outcome.reply->toString(),
              "451 4.4.3 Sender address rejected: temporary DNS failure, try again later");
}

TEST(SmtpStageChecks, EnabledChecksRunTogetherAndTheRejectOutranksTheDeferral) {
    Config config;
    config.client_checks.ptr_action = ClientCheckAction::Reject;
    config.client_checks.helo_action = ClientCheckAction::Score;
    config.client_checks.sender_domain_action = ClientCheckAction::Reject;
    config.client_checks.on_dns_failure = ClientCheckDnsFailure::Tempfail;
    config.client_checks.score_helo_invalid = 2.0;
    auto checks = SmtpStageChecks::fromRegistry(config, Services{}, {CheckPhase::Filter});
    EXPECT_EQ(checks.names(), (std::vector<std::string>{"ptr", "helo", "sender_domain"}));

    StaticDnsLookup dns;
    dns.failTemporarily("9.2.0.192.in-addr.arpa");  // ptr defers
    dns.addMx("nomail.example.test", 0, "");        // sender domain rejects
    SmtpSession session;
    session.client_address = *IpAddress::parse("192.0.2.9");
    session.helo = "WIN-DESKTOP";
    session.sender = "x@nomail.example.test";
    auto result = runToCompletion(checks.run(std::make_shared<const SmtpSession>(session), dns));
    ASSERT_EQ(result.checks.size(), 3u);
    EXPECT_EQ(result.merged.symbols.size(), 3u);
    ASSERT_TRUE(result.merged.rejects());
    EXPECT_EQ(result.merged.reply->status, "5.7.27");
    EXPECT_NE(result.merged.dependency_failure.find("ptr: PTR"), std::string::npos);
}

TEST(SmtpStageChecks, NothingEnabledByDefault) {
    EXPECT_TRUE(SmtpStageChecks::fromRegistry(
                    Config{}, Services{},
                    {CheckPhase::PreFilter, CheckPhase::Filter, CheckPhase::PostFilter})
                    .empty());
}

}  // namespace
}  // namespace mailgate
