// Unit tests of check_host() over an in-memory DNS: each mechanism's matching, include
// and redirect semantics, the DNS-term, void-lookup and MX-name limits, temporary errors,
// IPv6 clients, the explanation rules, and the Received-SPF header. The RFC 7208 suite
// runs against a real DNS server in the integration tests.
#include <gtest/gtest.h>

#include "gateway/spf/ReceivedSpfHeader.hpp"
#include "gateway/spf/SpfEvaluator.hpp"
#include "tests/support/StaticDnsLookup.hpp"

namespace mailgate {
namespace {

using testing::runToCompletion;
using testing::StaticDnsLookup;

class SpfEvaluatorTest : public ::testing::Test {
  protected:
    SpfResult check(const std::string& ip, const std::string& sender,
                    const std::string& helo = "mx.client.example") {
        SpfOptions options;
        options.default_explanation = "DEFAULT %{i}";
        options.receiver = "gw.test";
        SpfEvaluator evaluator(dns, options);
        SpfQuery query{*IpAddress::parse(ip), sender, helo};
        return runToCompletion(evaluator.checkMailFrom(query));
    }
    void spf(const std::string& domain, const std::string& record) {
        dns.addText(domain, DnsType::Txt, record);
    }
    StaticDnsLookup dns;
};

TEST_F(SpfEvaluatorTest, Ip4AndIp6Mechanisms) {
    spf("example.com", "v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 -all");
    EXPECT_EQ(check("192.0.2.77", "a@example.com").code, SpfResultCode::Pass);
    EXPECT_EQ(check("2001:db8:1::5", "a@example.com").code, SpfResultCode::Pass);
    EXPECT_EQ(check("::ffff:192.0.2.8", "a@example.com").code, SpfResultCode::Pass);
    auto failed = check("198.51.100.1", "a@example.com");
    EXPECT_EQ(failed.code, SpfResultCode::Fail);
    EXPECT_EQ(failed.mechanism, "-all");
    EXPECT_EQ(failed.explanation, "DEFAULT 198.51.100.1");
    // One TXT lookup per check; ip4/ip6 and the default explanation ask no DNS.
    EXPECT_EQ(dns.queries, 4);
}

TEST_F(SpfEvaluatorTest, AAndMxWithCidr) {
    spf("example.com", "v=spf1 a/24 mx -all");
    dns.addText("example.com", DnsType::A, "192.0.2.10");
    dns.addMx("example.com", 10, "mx1.example.com");
    dns.addText("mx1.example.com", DnsType::A, "203.0.113.5");
    dns.addText("mx1.example.com", DnsType::Aaaa, "2001:db8::25");
    EXPECT_EQ(check("192.0.2.200", "a@example.com").code, SpfResultCode::Pass);
    EXPECT_EQ(check("203.0.113.5", "a@example.com").code, SpfResultCode::Pass);
    EXPECT_EQ(check("203.0.113.6", "a@example.com").code, SpfResultCode::Fail);
    EXPECT_EQ(check("2001:db8::25", "a@example.com").code, SpfResultCode::Pass);
}

TEST_F(SpfEvaluatorTest, MoreThanTenMxNamesIsPermerror) {
    spf("example.com", "v=spf1 mx -all");
    for (int i = 0; i < 11; ++i) {
        dns.addMx("example.com", static_cast<std::uint16_t>(i),
                  "mx" + std::to_string(i) + ".example.com");
    }
    EXPECT_EQ(check("192.0.2.1", "a@example.com").code, SpfResultCode::Permerror);
}

TEST_F(SpfEvaluatorTest, PtrMatchesValidatedNamesOnly) {
    spf("example.com", "v=spf1 ptr -all");
    dns.addText("1.2.0.192.in-addr.arpa", DnsType::Ptr, "mail.example.com");
    dns.addText("mail.example.com", DnsType::A, "192.0.2.1");
    dns.addText("2.2.0.192.in-addr.arpa", DnsType::Ptr, "forged.example.com");
    dns.addText("forged.example.com", DnsType::A, "198.51.100.99");
    EXPECT_EQ(check("192.0.2.1", "a@example.com").code, SpfResultCode::Pass);
    EXPECT_EQ(check("192.0.2.2", "a@example.com").code, SpfResultCode::Fail);
}

TEST_F(SpfEvaluatorTest, ExistsUsesAnAddressQueryEvenForIpv6) {
    spf("example.com", "v=spf1 exists:%{l}.allowed.example.com -all");
    dns.addText("good.allowed.example.com", DnsType::A, "127.0.0.2");
    EXPECT_EQ(check("2001:db8::1", "good@example.com").code, SpfResultCode::Pass);
    EXPECT_EQ(check("2001:db8::1", "bad@example.com").code, SpfResultCode::Fail);
}

TEST_F(SpfEvaluatorTest, IncludeResultsMapAsRfc7208Says) {
    spf("example.com",
        "v=spf1 include:pass.example.net include:fail.example.net "
        "include:none.example.net ~all");
    spf("pass.example.net", "v=spf1 ip4:192.0.2.1 -all");
    spf("fail.example.net", "v=spf1 -ip4:192.0.2.2");
    dns.addName("none.example.net");
    EXPECT_EQ(check("192.0.2.1", "a@example.com").code, SpfResultCode::Pass);
    // a fail inside the include is only "no match"; then the include of a domain
    // without a record is a permerror.
    EXPECT_EQ(check("192.0.2.2", "a@example.com").code, SpfResultCode::Permerror);
}

TEST_F(SpfEvaluatorTest, RedirectUsesTheTargetsExplanation) {
    spf("example.com", "v=spf1 redirect=_spf.example.com exp=outer.example.com");
    spf("_spf.example.com", "v=spf1 -all exp=inner.example.com");
    dns.addText("outer.example.com", DnsType::Txt, "outer text");
    dns.addText("inner.example.com", DnsType::Txt, "inner text for %{d}");
    auto result = check("192.0.2.1", "a@example.com");
    EXPECT_EQ(result.code, SpfResultCode::Fail);
    EXPECT_EQ(result.explanation, "inner text for _spf.example.com");
}

TEST_F(SpfEvaluatorTest, RedirectToNoRecordIsPermerror) {
    spf("example.com", "v=spf1 redirect=nothing.example.com");
    EXPECT_EQ(check("192.0.2.1", "a@example.com").code, SpfResultCode::Permerror);
}

TEST_F(SpfEvaluatorTest, MoreThanTenDnsTermsIsPermerror) {
    std::string record = "v=spf1";
    for (int i = 0; i < 11; ++i) {
        record += " a:h" + std::to_string(i) + ".example.com";
        dns.addText("h" + std::to_string(i) + ".example.com", DnsType::A, "198.51.100.1");
    }
    spf("example.com", record + " -all");
    auto result = check("192.0.2.1", "a@example.com");
    EXPECT_EQ(result.code, SpfResultCode::Permerror);
    EXPECT_NE(result.reason.find("more than 10"), std::string::npos);
}

TEST_F(SpfEvaluatorTest, ThirdVoidLookupIsPermerror) {
    spf("example.com", "v=spf1 a:n1.example.com a:n2.example.com a:n3.example.com -all");
    EXPECT_EQ(check("192.0.2.1", "a@example.com").code, SpfResultCode::Permerror);
    spf("example.org", "v=spf1 a:n1.example.org a:n2.example.org -all");
    EXPECT_EQ(check("192.0.2.1", "a@example.org").code, SpfResultCode::Fail);
}

TEST_F(SpfEvaluatorTest, IncludeLoopEndsAtTheLimit) {
    spf("example.com", "v=spf1 include:example.com -all");
    EXPECT_EQ(check("192.0.2.1", "a@example.com").code, SpfResultCode::Permerror);
}

TEST_F(SpfEvaluatorTest, TemporaryDnsFailuresAreTemperror) {
    dns.failTemporarily("example.com");
    EXPECT_EQ(check("192.0.2.1", "a@example.com").code, SpfResultCode::Temperror);
    spf("example.org", "v=spf1 a:down.example.org -all");
    dns.failTemporarily("down.example.org");
    EXPECT_EQ(check("192.0.2.1", "a@example.org").code, SpfResultCode::Temperror);
}

TEST_F(SpfEvaluatorTest, NoneForMissingRecordsAndBadDomains) {
    EXPECT_EQ(check("192.0.2.1", "a@nowhere.example").code, SpfResultCode::None);
    EXPECT_EQ(check("192.0.2.1", "a@single").code, SpfResultCode::None);
    EXPECT_EQ(check("192.0.2.1", "a@[192.0.2.1]").code, SpfResultCode::None);
    EXPECT_EQ(check("192.0.2.1", "a@" + std::string(64, 'x') + ".example").code,
              SpfResultCode::None);
    EXPECT_EQ(dns.queries, 1);  // only nowhere.example was asked
}

TEST_F(SpfEvaluatorTest, TwoRecordsArePermerror) {
    spf("example.com", "v=spf1 -all");
    spf("example.com", "v=spf1 +all");
    dns.addText("example.com", DnsType::Txt, "google-site-verification=abc");
    EXPECT_EQ(check("192.0.2.1", "a@example.com").code, SpfResultCode::Permerror);
}

TEST_F(SpfEvaluatorTest, NullSenderChecksPostmasterAtHelo) {
    spf("mx.client.example", "v=spf1 ip4:192.0.2.1 -all");
    EXPECT_EQ(check("192.0.2.1", "").code, SpfResultCode::Pass);
    EXPECT_EQ(check("192.0.2.2", "").code, SpfResultCode::Fail);
}

TEST_F(SpfEvaluatorTest, BadExplanationFallsBackToTheDefault) {
    spf("example.com", "v=spf1 -all exp=exp.example.com");
    dns.addText("exp.example.com", DnsType::Txt, "bad %{q} macro");
    EXPECT_EQ(check("192.0.2.1", "a@example.com").explanation, "DEFAULT 192.0.2.1");
}

TEST_F(SpfEvaluatorTest, NoMatchIsNeutral) {
    spf("example.com", "v=spf1 ip4:198.51.100.0/24");
    EXPECT_EQ(check("192.0.2.1", "a@example.com").code, SpfResultCode::Neutral);
}

TEST(ReceivedSpfHeaderTest, QuotesClientControlledValues) {
    SpfResult result;
    result.code = SpfResultCode::Pass;
    result.mechanism = "ip4:192.0.2.0/24";
    SpfQuery query{*IpAddress::parse("2001:db8::1"), "we\"ird;x=y@example.com",
                   "helo.example\r\nX-Evil: 1"};
    auto value = receivedSpfValue(result, query, SpfIdentity::MailFrom, "gw.test");
    EXPECT_EQ(value.find('\r'), std::string::npos);
    EXPECT_EQ(value.find('\n'), std::string::npos);
    EXPECT_NE(value.find("client-ip=\"2001:db8::1\";"), std::string::npos) << value;
    EXPECT_NE(value.find("envelope-from=\"we\\\"ird;x=y@example.com\";"), std::string::npos)
        << value;
    EXPECT_EQ(value.rfind("pass (gw.test: domain of ", 0), 0u) << value;
    EXPECT_NE(value.find("identity=mailfrom;"), std::string::npos);
}

}  // namespace
}  // namespace mailgate
