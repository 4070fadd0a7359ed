// ClientNameCheck against StaticDnsLookup: PTR present or not, IPv4 and IPv6 clients,
// forward confirmation passing and failing, the 10-name bound, skipped clients, and DNS
// failures that must never reject (dunno and tempfail policies).
#include <gtest/gtest.h>

#include "gateway/checks/client_name/ClientNameCheck.hpp"
#include "tests/support/StaticDnsLookup.hpp"

namespace mailgate {
namespace {

using testing::runToCompletion;
using testing::StaticDnsLookup;

ClientCheckSettings settingsFor(ClientCheckAction action, bool forwardConfirmed = false) {
    ClientCheckSettings settings;
    settings.ptr_action = action;
    settings.ptr_forward_confirmed = forwardConfirmed;
    settings.score_no_ptr = 1.5;
    settings.score_ptr_not_confirmed = 1.0;
    return settings;
}

SmtpSession sessionFrom(const std::string& address) {
    SmtpSession session;
    session.client_address = *IpAddress::parse(address);
    return session;
}

CheckOutcome run(const ClientCheckSettings& settings, const SmtpSession& session,
                 StaticDnsLookup& dns) {
    ClientNameCheck check(settings);
    return runToCompletion(check.check(session, dns));
}

TEST(ClientNameCheck, ClientWithPtrPassesWithoutForwardConfirmation) {
    StaticDnsLookup dns;
    dns.addText("25.2.0.192.in-addr.arpa", DnsType::Ptr, "mx.example.test");
    auto outcome = run(settingsFor(ClientCheckAction::Reject), sessionFrom("192.0.2.25"), dns);
    EXPECT_TRUE(outcome.symbols.empty());
    EXPECT_FALSE(outcome.reply);
    EXPECT_EQ(dns.queries, 1);
}

TEST(ClientNameCheck, MissingPtrScoresClientNoPtr) {
    StaticDnsLookup dns;
    auto outcome = run(settingsFor(ClientCheckAction::Score), sessionFrom("192.0.2.9"), dns);
    ASSERT_EQ(outcome.symbols.size(), 1u);
    EXPECT_EQ(outcome.symbols[0].name, "CLIENT_NO_PTR");
    EXPECT_DOUBLE_EQ(outcome.symbols[0].score, 1.5);
    EXPECT_NE(outcome.symbols[0].detail.find("nxdomain"), std::string::npos);
    EXPECT_FALSE(outcome.reply);
}

TEST(ClientNameCheck, MissingPtrRejectsWhenTheActionIsReject) {
    StaticDnsLookup dns;
    dns.addName("9.2.0.192.in-addr.arpa");  // NODATA counts as no PTR too
    auto outcome = run(settingsFor(ClientCheckAction::Reject), sessionFrom("192.0.2.9"), dns);
    ASSERT_TRUE(outcome.rejects());
    EXPECT_EQ(outcome.reply->code, 550);
    EXPECT_EQ(outcome.reply->status, "5.7.1");
    EXPECT_NE(outcome.reply->text.find("reverse hostname, [192.0.2.9]"), std::string::npos);
}

TEST(ClientNameCheck, Ipv6ClientAsksTheNibbleName) {
    StaticDnsLookup dns;
    auto client = *IpAddress::parse("2001:db8::25");
    dns.addText(client.pointerName(), DnsType::Ptr, "mx6.example.test");
    dns.addText("mx6.example.test", DnsType::Aaaa, "2001:db8:0:0::25");
    auto outcome =
        run(settingsFor(ClientCheckAction::Reject, true), sessionFrom("2001:db8::25"), dns);
    EXPECT_TRUE(outcome.symbols.empty());
    ASSERT_EQ(dns.asked.size(), 2u);
    EXPECT_EQ(dns.asked[0].first.substr(dns.asked[0].first.size() - 8), "ip6.arpa");
    EXPECT_EQ(dns.asked[1].second, DnsType::Aaaa);
}

TEST(ClientNameCheck, Ipv4MappedClientIsCheckedAsIpv4) {
    StaticDnsLookup dns;
    dns.addText("25.2.0.192.in-addr.arpa", DnsType::Ptr, "mx.example.test");
    auto outcome =
        run(settingsFor(ClientCheckAction::Reject), sessionFrom("::ffff:192.0.2.25"), dns);
    EXPECT_TRUE(outcome.symbols.empty());
}

TEST(ClientNameCheck, ForwardConfirmedWhenOneOfSeveralNamesResolvesBack) {
    StaticDnsLookup dns;
    dns.addText("25.2.0.192.in-addr.arpa", DnsType::Ptr, "other.example.test");
    dns.addText("25.2.0.192.in-addr.arpa", DnsType::Ptr, "mx.example.test");
    dns.addText("other.example.test", DnsType::A, "192.0.2.99");
    dns.addText("mx.example.test", DnsType::A, "192.0.2.25");
    auto outcome =
        run(settingsFor(ClientCheckAction::Reject, true), sessionFrom("192.0.2.25"), dns);
    EXPECT_TRUE(outcome.symbols.empty());
    EXPECT_FALSE(outcome.reply);
}

TEST(ClientNameCheck, PtrNameResolvingElsewhereIsNotConfirmed) {
    StaticDnsLookup dns;
    dns.addText("25.2.0.192.in-addr.arpa", DnsType::Ptr, "forged.example.test");
    dns.addText("forged.example.test", DnsType::A, "198.51.100.1");
    auto outcome =
        run(settingsFor(ClientCheckAction::Reject, true), sessionFrom("192.0.2.25"), dns);
    ASSERT_EQ(outcome.symbols.size(), 1u);
    EXPECT_EQ(outcome.symbols[0].name, "CLIENT_PTR_NOT_CONFIRMED");
    EXPECT_DOUBLE_EQ(outcome.symbols[0].score, 1.0);
    EXPECT_NE(outcome.symbols[0].detail.find("forged.example.test"), std::string::npos);
    ASSERT_TRUE(outcome.rejects());
    EXPECT_NE(outcome.reply->text.find("cannot find your hostname"), std::string::npos);
}

TEST(ClientNameCheck, PtrNameWithoutAddressIsNotConfirmed) {
    StaticDnsLookup dns;
    dns.addText("25.2.0.192.in-addr.arpa", DnsType::Ptr, "gone.example.test");
    auto outcome = run(settingsFor(ClientCheckAction::Score, true), sessionFrom("192.0.2.25"), dns);
    ASSERT_EQ(outcome.symbols.size(), 1u);
    EXPECT_EQ(outcome.symbols[0].name, "CLIENT_PTR_NOT_CONFIRMED");
    EXPECT_FALSE(outcome.reply);
}

TEST(ClientNameCheck, AtMostTenPtrNamesAreResolved) {
    StaticDnsLookup dns;
    for (int i = 0; i < 30; ++i) {
        dns.addText("25.2.0.192.in-addr.arpa", DnsType::Ptr,
                    "host" + std::to_string(i) + ".example.test");
    }
    auto outcome = run(settingsFor(ClientCheckAction::Score, true), sessionFrom("192.0.2.25"), dns);
    EXPECT_EQ(dns.queries, 1 + static_cast<int>(ClientNameCheck::kMaximumNamesConfirmed));
    ASSERT_EQ(outcome.symbols.size(), 1u);
    EXPECT_EQ(outcome.symbols[0].name, "CLIENT_PTR_NOT_CONFIRMED");
}

TEST(ClientNameCheck, AuthenticatedAndTrustedClientsAreSkipped) {
    StaticDnsLookup dns;
    auto session = sessionFrom("192.0.2.9");
    session.authenticated_user = "alice";
    EXPECT_TRUE(run(settingsFor(ClientCheckAction::Reject), session, dns).symbols.empty());
    session.authenticated_user.clear();
    session.trusted_network = true;
    EXPECT_TRUE(run(settingsFor(ClientCheckAction::Reject), session, dns).symbols.empty());
    EXPECT_EQ(dns.queries, 0);
}

TEST(ClientNameCheck, OffAsksNothing) {
    StaticDnsLookup dns;
    auto outcome = run(settingsFor(ClientCheckAction::Off), sessionFrom("192.0.2.9"), dns);
    EXPECT_TRUE(outcome.symbols.empty());
    EXPECT_EQ(dns.queries, 0);
}

TEST(ClientNameCheck, PtrTimeoutIsADependencyFailureNeverAReject) {
    StaticDnsLookup dns;
    dns.failTemporarily("9.2.0.192.in-addr.arpa");
    auto outcome = run(settingsFor(ClientCheckAction::Reject), sessionFrom("192.0.2.9"), dns);
    ASSERT_EQ(outcome.symbols.size(), 1u);
    EXPECT_EQ(outcome.symbols[0].name, "CLIENT_PTR_DNS_FAILURE");
    EXPECT_DOUBLE_EQ(outcome.symbols[0].score, 0.0);
    EXPECT_FALSE(outcome.dependency_failure.empty());
    EXPECT_FALSE(outcome.reply);  // default policy: dunno
}

TEST(ClientNameCheck, TempfailPolicyDefersOnDnsFailure) {
    StaticDnsLookup dns;
    dns.failTemporarily("9.2.0.192.in-addr.arpa");
    auto settings = settingsFor(ClientCheckAction::Reject);
    settings.on_dns_failure = ClientCheckDnsFailure::Tempfail;
    auto outcome = run(settings, sessionFrom("192.0.2.9"), dns);
    ASSERT_TRUE(outcome.defers());
    EXPECT_EQ(outcome.reply->code, 451);
    EXPECT_EQ(outcome.reply->status, "4.4.3");
    // A check that only scores never defers: it could not have rejected anyway.
    settings.ptr_action = ClientCheckAction::Score;
    EXPECT_FALSE(run(settings, sessionFrom("192.0.2.9"), dns).reply);
}

TEST(ClientNameCheck, ForwardLookupFailureIsNotNotConfirmed) {
    StaticDnsLookup dns;
    dns.addText("25.2.0.192.in-addr.arpa", DnsType::Ptr, "slow.example.test");
    dns.failTemporarily("slow.example.test");
    auto outcome =
        run(settingsFor(ClientCheckAction::Reject, true), sessionFrom("192.0.2.25"), dns);
    ASSERT_EQ(outcome.symbols.size(), 1u);
    EXPECT_EQ(outcome.symbols[0].name, "CLIENT_PTR_DNS_FAILURE");
    EXPECT_FALSE(outcome.rejects());
}

TEST(ClientNameCheck, PtrWithAnUnqueryableTargetCountsAsNoPtr) {
    StaticDnsLookup dns;
    dns.addText("25.2.0.192.in-addr.arpa", DnsType::Ptr, "");
    auto outcome = run(settingsFor(ClientCheckAction::Score), sessionFrom("192.0.2.25"), dns);
    ASSERT_EQ(outcome.symbols.size(), 1u);
    EXPECT_EQ(outcome.symbols[0].name, "CLIENT_NO_PTR");
}

}  // namespace
}  // namespace mailgate
