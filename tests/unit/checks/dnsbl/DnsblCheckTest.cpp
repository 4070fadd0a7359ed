// Unit tests of the DNSBL check against StaticDnsLookup (and a lookup that answers late):
// listed / not listed / filtered out, whitelists overriding, temporary errors never
// counting as "not listed" nor rejecting, the one deadline, the reject threshold, TXT
// reasons kept printable. The real-DNS behaviour is in tests/integration/test_C1_dnsbl.py.
#include <gtest/gtest.h>

#include <chrono>

#include "gateway/checks/dnsbl/DnsblCheck.hpp"
#include "gateway/checks/dnsbl/DnsblDecision.hpp"
#include "tests/support/StaticDnsLookup.hpp"

// The tests name only the settings they set (designated initializers); g++ 12 warns
// about the members left at their defaults, which is exactly what is meant here.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

using namespace mailgate;
using mailgate::testing::runToCompletion;
using mailgate::testing::StaticDnsLookup;

namespace {

std::unique_ptr<DnsblCheck> makeCheck(DnsblSettings settings) {
    settings.enabled = true;
    auto check = DnsblCheck::create(settings);
    EXPECT_TRUE(check.ok()) << (check ? "" : check.error());
    return check ? std::move(*check) : nullptr;
}

SmtpSession sessionFrom(const char* client) {
    SmtpSession session;
    session.client_address = *IpAddress::parse(client);
    return session;
}

CheckOutcome run(const DnsblCheck& check, DnsLookup& dns, const char* client) {
    auto session = sessionFrom(client);
    return runToCompletion(check.check(session, dns));
}

const Symbol* findSymbol(const CheckOutcome& outcome, const std::string& name) {
    for (const auto& symbol : outcome.symbols) {
        if (symbol.name == name) {
            return &symbol;
        }
    }
    return nullptr;
}

double totalScore(const CheckOutcome& outcome) {
    double total = 0;
    for (const auto& symbol : outcome.symbols) {
        total += symbol.score;
    }
    return total;
}

// Answers names under "slow." after `delay`, everything else like StaticDnsLookup.
class LateDnsLookup : public StaticDnsLookup {
  public:
    explicit LateDnsLookup(std::chrono::milliseconds delay) : delay_(delay) {}
    boost::asio::awaitable<DnsAnswer> resolve(std::string name, DnsType type) override {
        if (name.find(".slow.test") != std::string::npos) {
            boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor, delay_);
            co_await timer.async_wait(boost::asio::use_awaitable);
        }
        co_return co_await StaticDnsLookup::resolve(std::move(name), type);
    }

  private:
    std::chrono::milliseconds delay_;
};

}  // namespace

TEST(DnsblCheck, Rfc5782TestPointsListedAndNotListed) {
    StaticDnsLookup dns;
    dns.addText("2.0.0.127.bl.test", DnsType::A, "127.0.0.2");
    auto check = makeCheck({.zones = {"BL:bl.test*3"}});
    auto listed = run(*check, dns, "127.0.0.2");
    const auto* symbol = findSymbol(listed, "DNSBL_BL");
    ASSERT_NE(symbol, nullptr);
    EXPECT_EQ(symbol->score, 3.0);
    EXPECT_EQ(symbol->detail, "bl.test: 127.0.0.2");
    EXPECT_FALSE(listed.reply);
    EXPECT_TRUE(listed.dependency_failure.empty());
    ASSERT_EQ(listed.headers.size(), 1u);
    EXPECT_EQ(listed.headers[0].value, "bl.test=127.0.0.2 (BL)");
    auto clean = run(*check, dns, "127.0.0.1");
    EXPECT_TRUE(clean.symbols.empty());
    EXPECT_TRUE(clean.headers.empty());
    EXPECT_EQ(dns.asked.back().first, "1.0.0.127.bl.test");
}

TEST(DnsblCheck, ReturnCodesFilterAnswers) {
    StaticDnsLookup dns;
    dns.addText("2.0.0.127.zen.test", DnsType::A, "127.0.0.2");
    dns.addText("2.0.0.127.zen.test", DnsType::A, "127.0.0.10");
    auto check =
        makeCheck({.zones = {"SBL:zen.test=127.0.0.[2..3]*2", "PBL:zen.test=127.0.0.[10..11]*1",
                             "OTHER:zen.test=127.0.0.4*5", "BITS:zen.test&0.0.0.8*0.5"}});
    auto report = runToCompletion(check->lookUp(*IpAddress::parse("127.0.0.2"), dns));
    EXPECT_EQ(dns.queries, 1);  // one query per distinct name
    ASSERT_EQ(report.blacklists.size(), 4u);
    EXPECT_EQ(report.blacklists[0].status, DnsblZoneStatus::Listed);
    EXPECT_EQ(report.blacklists[1].status, DnsblZoneStatus::Listed);
    EXPECT_EQ(report.blacklists[2].status, DnsblZoneStatus::FilteredOut);
    EXPECT_EQ(report.blacklists[3].status, DnsblZoneStatus::Listed);  // 10 = 8 | 2
    auto outcome = dnsblOutcome(report, 0);
    EXPECT_DOUBLE_EQ(totalScore(outcome), 3.5);
    EXPECT_EQ(findSymbol(outcome, "DNSBL_OTHER"), nullptr);
}

TEST(DnsblCheck, AnswersOutside127Slash8AreIgnoredAndNamed) {
    StaticDnsLookup dns;
    dns.addText("2.0.0.127.wild.test", DnsType::A, "192.0.2.99");
    auto check = makeCheck({.zones = {"wild.test*4"}});
    auto report = runToCompletion(check->lookUp(*IpAddress::parse("127.0.0.2"), dns));
    EXPECT_EQ(report.blacklists[0].status, DnsblZoneStatus::NotListed);
    auto outcome = dnsblOutcome(report, 1);
    EXPECT_FALSE(outcome.reply);
    const auto* misbehaving = findSymbol(outcome, "DNSBL_MISBEHAVING");
    ASSERT_NE(misbehaving, nullptr);
    EXPECT_EQ(misbehaving->score, 0.0);
    EXPECT_NE(misbehaving->detail.find("192.0.2.99"), std::string::npos);
}

TEST(DnsblCheck, RejectsAtTheThresholdNamingTheLists) {
    StaticDnsLookup dns;
    dns.addText("2.0.0.127.one.test", DnsType::A, "127.0.0.2");
    dns.addText("2.0.0.127.two.test", DnsType::A, "127.0.0.2");
    auto check = makeCheck(
        {.zones = {"one.test*2", "two.test*1.5", "three.test*9"}, .reject_threshold = 3.5});
    auto outcome = run(*check, dns, "127.0.0.2");
    ASSERT_TRUE(outcome.rejects());
    EXPECT_EQ(outcome.reply->toString(),
              "554 5.7.1 Service unavailable; client [127.0.0.2] blocked using one.test, two.test");
    auto below = makeCheck({.zones = {"one.test*2", "two.test*1.5"}, .reject_threshold = 3.6});
    EXPECT_FALSE(run(*below, dns, "127.0.0.2").reply);
    auto never = makeCheck({.zones = {"one.test*200"}, .reject_threshold = 0});
    EXPECT_FALSE(run(*never, dns, "127.0.0.2").reply);
}

TEST(DnsblCheck, WhitelistZoneOverridesEveryBlacklistHit) {
    StaticDnsLookup dns;
    dns.addText("2.0.0.127.bl.test", DnsType::A, "127.0.0.2");
    dns.addText("2.0.0.127.wl.test", DnsType::A, "127.0.10.2");
    auto check = makeCheck({.zones = {"bl.test*10"},
                            .whitelist_zones = {"WL:wl.test=127.0.[0..255].[1..3]*-5"},
                            .reject_threshold = 5});
    auto outcome = run(*check, dns, "127.0.0.2");
    EXPECT_FALSE(outcome.reply);
    EXPECT_TRUE(outcome.headers.empty());
    ASSERT_NE(findSymbol(outcome, "DNSWL_WL"), nullptr);
    EXPECT_EQ(findSymbol(outcome, "DNSWL_WL")->score, -5.0);
    ASSERT_NE(findSymbol(outcome, "DNSBL_BL_TEST"), nullptr);
    EXPECT_EQ(findSymbol(outcome, "DNSBL_BL_TEST")->score, 0.0);
    EXPECT_NE(findSymbol(outcome, "DNSBL_BL_TEST")->detail.find("overridden by DNSWL_WL"),
              std::string::npos);
}

TEST(DnsblCheck, WhitelistNetworkSkipsEveryQuery) {
    StaticDnsLookup dns;
    dns.addText("2.0.0.127.bl.test", DnsType::A, "127.0.0.2");
    auto check = makeCheck({.zones = {"bl.test*10"},
                            .whitelist_networks = {"127.0.0.0/30", "2001:db8::/32"},
                            .reject_threshold = 1});
    auto outcome = run(*check, dns, "127.0.0.2");
    EXPECT_EQ(dns.queries, 0);
    EXPECT_FALSE(outcome.reply);
    ASSERT_EQ(outcome.symbols.size(), 1u);
    EXPECT_EQ(outcome.symbols[0].name, "DNSWL_LOCAL_NETWORK");
    EXPECT_EQ(outcome.symbols[0].detail, "127.0.0.0/30");
    run(*check, dns, "2001:db8::7");
    EXPECT_EQ(dns.queries, 0);
    run(*check, dns, "127.0.0.4");
    EXPECT_EQ(dns.queries, 1);
}

TEST(DnsblCheck, TemporaryErrorIsNeverNotListedAndNeverRejects) {
    StaticDnsLookup dns;
    dns.addText("2.0.0.127.bl.test", DnsType::A, "127.0.0.2");
    dns.failTemporarily("2.0.0.127.broken.test");
    auto check = makeCheck({.zones = {"bl.test*1", "broken.test*10"}, .reject_threshold = 5});
    auto outcome = run(*check, dns, "127.0.0.2");
    EXPECT_FALSE(outcome.reply);
    const auto* tempfail = findSymbol(outcome, "DNSBL_TEMPFAIL");
    ASSERT_NE(tempfail, nullptr);
    EXPECT_EQ(tempfail->score, 0.0);
    EXPECT_EQ(tempfail->detail, "broken.test: test: temporary failure");
    EXPECT_EQ(outcome.dependency_failure, "dnsbl broken.test: test: temporary failure");
    EXPECT_NE(findSymbol(outcome, "DNSBL_BL_TEST"), nullptr);
}

TEST(DnsblCheck, FailedWhitelistPreventsTheReject) {
    StaticDnsLookup dns;
    dns.addText("2.0.0.127.bl.test", DnsType::A, "127.0.0.2");
    dns.failTemporarily("2.0.0.127.wl.test");
    auto check = makeCheck(
        {.zones = {"bl.test*10"}, .whitelist_zones = {"wl.test*-5"}, .reject_threshold = 5});
    auto outcome = run(*check, dns, "127.0.0.2");
    EXPECT_FALSE(outcome.reply);
    EXPECT_NE(findSymbol(outcome, "DNSWL_TEMPFAIL"), nullptr);
    EXPECT_EQ(findSymbol(outcome, "DNSBL_BL_TEST")->score, 10.0);
    EXPECT_FALSE(outcome.dependency_failure.empty());
}

TEST(DnsblCheck, OneDeadlineForAllZones) {
    LateDnsLookup dns(std::chrono::milliseconds(400));
    dns.addText("2.0.0.127.bl.test", DnsType::A, "127.0.0.2");
    dns.addText("2.0.0.127.slow.test", DnsType::A, "127.0.0.2");
    auto check =
        makeCheck({.zones = {"bl.test", "slow.test*9"}, .reject_threshold = 5, .timeout_ms = 60});
    auto measured = [&]() -> boost::asio::awaitable<std::pair<DnsblReport, double>> {
        auto started = std::chrono::steady_clock::now();
        auto report = co_await check->lookUp(*IpAddress::parse("127.0.0.2"), dns);
        std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - started;
        co_return std::make_pair(std::move(report), elapsed.count());
    };
    auto [report, seconds] = runToCompletion(measured());
    EXPECT_LT(seconds, 0.35);  // the deadline, not the slow zone's 400 ms
    EXPECT_EQ(report.blacklists[0].status, DnsblZoneStatus::Listed);
    EXPECT_EQ(report.blacklists[1].status, DnsblZoneStatus::TemporaryError);
    EXPECT_EQ(report.blacklists[1].error, "no answer within 60 ms");
    EXPECT_FALSE(dnsblOutcome(report, 5).reply);
}

TEST(DnsblCheck, TxtReasonsAreFetchedForHitsOnlyAndKeptPrintable) {
    StaticDnsLookup dns;
    dns.addText("2.0.0.127.bl.test", DnsType::A, "127.0.0.2");
    dns.addText("2.0.0.127.bl.test", DnsType::Txt,
                std::string("Listed\r\nX-Injected: yes\0", 24) + std::string(300, 'x'));
    dns.addText("2.0.0.127.filtered.test", DnsType::A, "127.0.0.3");
    dns.addText("2.0.0.127.filtered.test", DnsType::Txt, "not asked");
    dns.addText("2.0.0.127.notxt.test", DnsType::A, "127.0.0.2");
    dns.addText("2.0.0.127.badtxt.test", DnsType::A, "127.0.0.2");
    auto check =
        makeCheck({.zones = {"bl.test", "filtered.test=127.0.0.2", "notxt.test", "badtxt.test"},
                   .fetch_reasons = true});
    dns.failTemporarily("2.0.0.127.badtxt.test");  // from now on, A and TXT fail alike
    auto report = runToCompletion(check->lookUp(*IpAddress::parse("127.0.0.2"), dns));
    const auto& reason = report.blacklists[0].reason;
    EXPECT_EQ(reason.substr(0, 30), "Listed??X-Injected: yes?xxxxxx");
    EXPECT_EQ(reason.size(), 203u);
    EXPECT_EQ(reason.find_first_of("\r\n"), std::string::npos);
    EXPECT_EQ(report.blacklists[1].status, DnsblZoneStatus::FilteredOut);
    EXPECT_EQ(report.blacklists[2].status, DnsblZoneStatus::Listed);
    EXPECT_EQ(report.blacklists[2].reason_error, "TXT nodata");
    EXPECT_EQ(report.blacklists[3].status, DnsblZoneStatus::TemporaryError);
    for (const auto& [name, type] : dns.asked) {
        EXPECT_FALSE(type == DnsType::Txt && name.find("filtered") != std::string::npos);
    }
}

TEST(DnsblCheck, Ipv6ClientsAskTheNibbleName) {
    StaticDnsLookup dns;
    dns.addText("1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.bl.test",
                DnsType::A, "127.0.0.2");
    auto check = makeCheck({.zones = {"bl.test*2"}, .reject_threshold = 2});
    auto outcome = run(*check, dns, "2001:db8::1");
    ASSERT_TRUE(outcome.rejects());
    EXPECT_NE(outcome.reply->text.find("[2001:db8::1]"), std::string::npos);
    EXPECT_TRUE(run(*check, dns, "2001:db8::2").symbols.empty());
}

TEST(DnsblCheck, SkipsWhenDisabledAuthenticatedOrTrusted) {
    StaticDnsLookup dns;
    DnsblSettings settings{.zones = {"bl.test"}};
    auto disabled = DnsblCheck::create(settings);
    ASSERT_TRUE(disabled.ok());
    auto session = sessionFrom("127.0.0.2");
    runToCompletion((*disabled)->check(session, dns));
    auto check = makeCheck(settings);
    session.authenticated_user = "alice";
    runToCompletion(check->check(session, dns));
    session = sessionFrom("127.0.0.2");
    session.trusted_network = true;
    runToCompletion(check->check(session, dns));
    EXPECT_EQ(dns.queries, 0);
}

TEST(DnsblCheck, CreateRefusesWhatTheLoaderWouldRefuse) {
    EXPECT_FALSE(DnsblCheck::create({.zones = {"bl.test=10.0.0.2"}}).ok());
    EXPECT_FALSE(DnsblCheck::create({.whitelist_zones = {"wl.test*x"}}).ok());
    EXPECT_FALSE(DnsblCheck::create({.whitelist_networks = {"300.0.0.0/8"}}).ok());
}
