// Unit tests of the URI DNS list check through the content stage, against StaticDnsLookup:
// a listed domain gives its zone's symbol, return codes and bitmasks filter answers,
// temporary errors, silence past the deadline and a missing resolver never count as
// listed, skipped and local domains are never asked, addresses are asked reversed, the
// lookups per message are bounded, and with the lists off nothing is asked. Also the
// URL facts check's symbols. The real-DNS path is tests/integration/test_C2_uri_lists.py.
#include <gtest/gtest.h>

#include "gateway/checks/uri_lists/UriListCheck.hpp"
#include "gateway/checks/url_facts/UrlFactsCheck.hpp"
#include "gateway/config/SettingSpec.hpp"
#include "gateway/engine/ContentStage.hpp"
#include "tests/support/StaticDnsLookup.hpp"

using namespace mailgate;
using mailgate::testing::runUntilComplete;
using mailgate::testing::StaticDnsLookup;

namespace {

std::shared_ptr<const Message> messageWith(const std::string& body) {
    std::string raw =
        "From: Shop <news@sender.example>\r\nTo: bob@example.org\r\nSubject: offer\r\n"
        "Content-Type: text/html; charset=utf-8\r\n\r\n" +
        body + "\r\n";
    return std::make_shared<const Message>(MimeParser(MimeLimits{}).parse(raw, {}));
}

Config listsConfig(std::vector<std::string> zones) {
    Config config = defaultConfig();
    config.uri_lists.enabled = true;
    config.uri_lists.zones = std::move(zones);
    return config;
}

std::vector<Symbol> uriSymbols(const ContentDecision& decision) {
    for (const auto& check : decision.checks) {
        if (check.check == "uri_lists") {
            return check.outcome.symbols;
        }
    }
    return {};
}

const Symbol* find(const std::vector<Symbol>& symbols, const std::string& name) {
    for (const auto& symbol : symbols) {
        if (symbol.name == name) {
            return &symbol;
        }
    }
    return nullptr;
}

std::vector<std::string> asked(const StaticDnsLookup& dns) {
    std::vector<std::string> names;
    for (const auto& [name, type] : dns.asked) {
        names.push_back(name);
    }
    return names;
}

}  // namespace

TEST(UriListCheck, AListedDomainGivesItsZonesSymbol) {
    StaticDnsLookup dns;
    dns.addText("evil.example.uri.test", DnsType::A, "127.0.0.2");
    Services services;
    services.dns = &dns;
    ContentStage stage(listsConfig({"TEST:uri.test*4"}), services);
    auto decision = stage.decideNow(
        messageWith("<a href=\"http://www.evil.example/buy\">buy</a> and http://good.example/"),
        {});
    auto symbols = uriSymbols(decision);
    const Symbol* listed = find(symbols, "URIBL_TEST");
    ASSERT_NE(listed, nullptr);
    EXPECT_DOUBLE_EQ(listed->score, 4.0);
    EXPECT_NE(listed->detail.find("evil.example (127.0.0.2, http://www.evil.example/buy)"),
              std::string::npos)
        << listed->detail;
    EXPECT_EQ(find(symbols, "URIBL_UNAVAILABLE"), nullptr);
    EXPECT_NE(find(decision.verdict.symbols, "URIBL_TEST"), nullptr);
    EXPECT_EQ(asked(dns),
              (std::vector<std::string>{"good.example.uri.test", "evil.example.uri.test"}));
}

TEST(UriListCheck, ReturnCodesAndBitmasksDecideWhatIsAListing) {
    StaticDnsLookup dns;
    dns.addText("evil.example.multi.test", DnsType::A, "127.0.0.12");
    dns.addText("grey.example.multi.test", DnsType::A, "127.0.0.4");
    dns.addText("odd.example.multi.test", DnsType::A, "10.0.0.8");
    Services services;
    services.dns = &dns;
    ContentStage stage(listsConfig({"PHISH:multi.test&0.0.0.8*5", "GREY:multi.test=127.0.0.4*0.5"}),
                       services);
    auto symbols = uriSymbols(stage.decideNow(
        messageWith("http://evil.example/ http://grey.example/ http://odd.example/"), {}));
    const Symbol* phish = find(symbols, "URIBL_PHISH");
    ASSERT_NE(phish, nullptr);
    EXPECT_NE(phish->detail.find("evil.example"), std::string::npos);
    // 127.0.0.4 has no bit 8; 10.0.0.8 is outside 127.0.0.0/8: a misbehaving list.
    EXPECT_EQ(phish->detail.find("grey.example"), std::string::npos);
    EXPECT_EQ(phish->detail.find("odd.example"), std::string::npos);
    const Symbol* grey = find(symbols, "URIBL_GREY");
    ASSERT_NE(grey, nullptr);
    EXPECT_NE(grey->detail.find("grey.example"), std::string::npos);
    EXPECT_EQ(dns.queries, 3);  // one question per domain for the two entries of one zone
}

TEST(UriListCheck, TemporaryErrorsNeverCountAsListed) {
    StaticDnsLookup dns;
    dns.failTemporarily("evil.example.uri.test");
    Services services;
    services.dns = &dns;
    ContentStage stage(listsConfig({"TEST:uri.test"}), services);
    auto symbols = uriSymbols(stage.decideNow(messageWith("http://evil.example/"), {}));
    EXPECT_EQ(find(symbols, "URIBL_TEST"), nullptr);
    const Symbol* unavailable = find(symbols, "URIBL_UNAVAILABLE");
    ASSERT_NE(unavailable, nullptr);
    EXPECT_EQ(unavailable->score, 0.0);
    EXPECT_NE(unavailable->detail.find("1 of 1"), std::string::npos) << unavailable->detail;
    EXPECT_EQ(services.counters->value("uri_lists_lookups_unavailable"), 1u);
}

TEST(UriListCheck, ASilentServerCostsOnlyTheDeadline) {
    StaticDnsLookup dns;
    dns.neverAnswer("evil.example.uri.test");
    dns.addText("bad.example.uri.test", DnsType::A, "127.0.0.2");
    Services services;
    services.dns = &dns;
    Config config = listsConfig({"TEST:uri.test"});
    config.uri_lists.timeout_ms = 100;
    ContentStage stage(config, services);
    auto started = std::chrono::steady_clock::now();
    auto decision =
        runUntilComplete(stage.decide(messageWith("http://evil.example/ http://bad.example/"), {}));
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
    auto symbols = uriSymbols(decision);
    EXPECT_NE(find(symbols, "URIBL_TEST"), nullptr);  // the one that answered counts
    const Symbol* unavailable = find(symbols, "URIBL_UNAVAILABLE");
    ASSERT_NE(unavailable, nullptr);
    EXPECT_NE(unavailable->detail.find("no answer within 100 ms"), std::string::npos);
}

TEST(UriListCheck, WithoutAResolverTheCheckSaysSo) {
    Services services;  // the milter before a check asked for DNS
    ContentStage stage(listsConfig({"TEST:uri.test"}), services);
    auto symbols = uriSymbols(stage.decideNow(messageWith("http://evil.example/"), {}));
    ASSERT_EQ(symbols.size(), 1u);
    EXPECT_EQ(symbols[0].name, "URIBL_UNAVAILABLE");
    EXPECT_NE(symbols[0].detail.find("no DNS resolver"), std::string::npos);
    EXPECT_EQ(symbols[0].score, 0.0);
}

TEST(UriListCheck, SkippedLocalAndRepeatedDomainsAreNotAsked) {
    StaticDnsLookup dns;
    Services services;
    services.dns = &dns;
    Config config = listsConfig({"TEST:uri.test"});
    config.relay.domains = {"example.org"};
    ContentStage stage(config, services);
    (void)stage.decideNow(messageWith("https://www.google.com/ https://mail.example.org/ "
                                      "http://a.shop.example/ http://b.shop.example/ "
                                      "http://www.bank.co.uk/"),
                          {});
    EXPECT_EQ(asked(dns),
              (std::vector<std::string>{"shop.example.uri.test", "bank.co.uk.uri.test"}));
}

TEST(UriListCheck, AddressesAreAskedReversed) {
    StaticDnsLookup dns;
    dns.addText("10.2.0.192.uri.test", DnsType::A, "127.0.0.2");
    Services services;
    services.dns = &dns;
    Config config = listsConfig({"TEST:uri.test"});
    ContentStage stage(config, services);
    auto symbols =
        uriSymbols(stage.decideNow(messageWith("http://3221225994/x http://[2001:db8::1]/"), {}));
    const Symbol* listed = find(symbols, "URIBL_TEST");
    ASSERT_NE(listed, nullptr);
    EXPECT_NE(listed->detail.find("192.0.2.10"), std::string::npos);
    EXPECT_EQ(asked(dns), (std::vector<std::string>{"10.2.0.192.uri.test"}));
    config.uri_lists.ip_hosts = false;
    StaticDnsLookup quiet;
    services.dns = &quiet;
    ContentStage noAddresses(config, services);
    (void)noAddresses.decideNow(messageWith("http://192.0.2.10/x"), {});
    EXPECT_EQ(quiet.queries, 0);
}

TEST(UriListCheck, LookupsPerMessageAreBounded) {
    StaticDnsLookup dns;
    Services services;
    services.dns = &dns;
    Config config = listsConfig({"ONE:one.test", "TWO:two.test"});
    config.uri_lists.max_lookups_per_message = 5;
    ContentStage stage(config, services);
    std::string body;
    for (int i = 0; i < 1000; ++i) {
        body += "http://host" + std::to_string(i) + ".example/ ";
    }
    auto decision = stage.decideNow(messageWith(body), {});
    EXPECT_EQ(dns.queries, 10);  // five domains, each in both zones
    for (const auto& check : decision.checks) {
        if (check.check == "uri_lists") {
            EXPECT_EQ(check.outcome.logField("uri_not_asked"), "195");  // of 200 hosts kept
        }
    }
}

TEST(UriListCheck, OffMeansNothingIsAsked) {
    StaticDnsLookup dns;
    Services services;
    services.dns = &dns;
    Config config = listsConfig({"TEST:uri.test"});
    config.uri_lists.enabled = false;
    ContentStage stage(config, services);
    auto names = stage.checkNames();
    EXPECT_EQ(std::count(names.begin(), names.end(), "uri_lists"), 0);
    (void)stage.decideNow(messageWith("http://evil.example/"), {});
    EXPECT_EQ(dns.queries, 0);
}

TEST(UriListCheck, SymbolsFollowTheZones) {
    auto config = listsConfig({"multi.surbl.test&0.0.0.8*4", "BLACK:black.test"});
    auto symbols = findCheck("uri_lists")->symbols(config);
    EXPECT_EQ(symbols, (std::vector<std::string>{"URIBL_UNAVAILABLE", "URIBL_MULTI_SURBL_TEST",
                                                 "URIBL_BLACK"}));
}

TEST(UrlFactsCheck, HowLinksAreWritten) {
    UrlFactsCheck check;
    auto names = [&check](const std::string& body) {
        std::vector<std::string> found;
        for (const auto& symbol : check.check(*messageWith(body)).symbols) {
            found.push_back(symbol.name);
            EXPECT_FALSE(symbol.detail.empty());
        }
        return found;
    };
    using Names = std::vector<std::string>;
    EXPECT_EQ(names("<a href=\"http://192.0.2.10/login\">Log in</a>"), Names{"URI_IP_HOST"});
    EXPECT_EQ(names("http://3221225994/login"), Names{"URI_NUMERIC_HOST"});
    EXPECT_EQ(names("http://www.bank.example@evil.example/"), Names{"URI_USERINFO_HOST"});
    EXPECT_EQ(names("http://%65vil.example/"), Names{"URI_HOST_ENCODED"});
    EXPECT_EQ(names("https://p\xD0\xB0ypal.example/"), Names{"URI_MIXED_SCRIPTS"});
    // A newsletter's ordinary links, tracking redirects and an international name.
    EXPECT_TRUE(names("<a href=\"https://click.news.example/r?u=https%3A%2F%2Fshop.example%2F\">"
                      "Shop</a> <img src=\"https://cdn.news.example/logo.png\"> "
                      "http://www.bücher.example/")
                    .empty());
}
