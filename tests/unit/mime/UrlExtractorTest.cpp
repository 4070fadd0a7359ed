// Unit tests of finding the hosts of a message's URLs: schemes and "www.", user-info,
// addresses in every notation, defanging and percent-encoding, URLs inside URLs,
// punctuation, international hosts and mixed scripts, hostile HTML, and the bounds
// (100,000 links, 10 MB of text).
#include <gtest/gtest.h>

#include <chrono>

#include "gateway/mime/HtmlText.hpp"
#include "gateway/mime/UrlExtractor.hpp"

using namespace mailgate;

namespace {

std::vector<std::string> hostsIn(std::string_view text) {
    UrlExtractor extractor;
    extractor.addText(text);
    std::vector<std::string> hosts;
    for (const auto& host : extractor.result().hosts) {
        hosts.push_back(host.host);
    }
    return hosts;
}

UrlHost onlyHost(std::string_view text) {
    UrlExtractor extractor;
    extractor.addText(text);
    const auto& hosts = extractor.result().hosts;
    EXPECT_EQ(hosts.size(), 1u) << text;
    return hosts.empty() ? UrlHost{} : hosts.front();
}

using Hosts = std::vector<std::string>;

}  // namespace

TEST(UrlExtractor, SchemesAndWwwInText) {
    EXPECT_EQ(hostsIn("Go to http://Shop.Example/offer, https://secure.bank.example:8443/x "
                      "or ftp://files.example/ and www.news.example today."),
              (Hosts{"shop.example", "secure.bank.example", "files.example", "www.news.example"}));
    auto host = onlyHost("see https://mail.shop.co.uk/path");
    EXPECT_EQ(host.registrable, "shop.co.uk");
    EXPECT_EQ(host.url, "https://mail.shop.co.uk/path");
    EXPECT_EQ(host.form, UrlHostForm::Name);
}

TEST(UrlExtractor, NotUrls) {
    EXPECT_TRUE(hostsIn("a sentence with no links, version 1.2.3, e-mail bob@example.com").empty());
    EXPECT_TRUE(hostsIn("http:// https://localhost/ http://no-dot/ http://x.123/").empty());
    EXPECT_TRUE(hostsIn("xhttp://glued.example/ awww.glued.example").empty());
    EXPECT_TRUE(hostsIn("http://co.uk/ http://com/").empty());  // a bare public suffix
}

TEST(UrlExtractor, TrailingPunctuationIsNotPartOfTheUrl) {
    EXPECT_EQ(onlyHost("(see http://shop.example/a_(b))").url, "http://shop.example/a_(b)");
    EXPECT_EQ(onlyHost("see http://shop.example/offer.").url, "http://shop.example/offer");
    EXPECT_EQ(onlyHost("at www.shop.example!").host, "www.shop.example");
    EXPECT_EQ(onlyHost("<http://shop.example/x>").url, "http://shop.example/x");
    EXPECT_EQ(onlyHost("\"http://shop.example.\"").host, "shop.example");
}

TEST(UrlExtractor, UserInfoThatLooksLikeAHost) {
    auto host = onlyHost("http://www.bank.example@evil.example/login");
    EXPECT_EQ(host.host, "evil.example");
    EXPECT_TRUE(host.userinfo_host);
    EXPECT_EQ(host.userinfo, "www.bank.example");
    EXPECT_FALSE(onlyHost("ftp://anonymous:guest@files.example/").userinfo_host);
}

TEST(UrlExtractor, IpAddressesInEveryNotation) {
    auto dotted = onlyHost("http://192.0.2.10/login");
    EXPECT_EQ(dotted.form, UrlHostForm::IpAddress);
    EXPECT_EQ(dotted.host, "192.0.2.10");
    EXPECT_EQ(dotted.registrable, "");
    EXPECT_EQ(onlyHost("http://[2001:db8::1]:8080/").host, "2001:db8::1");
    for (const char* form : {"http://3221225994/", "http://0xC000020A/", "http://0300.0.02.012/",
                             "http://0xc0.0x0.0x2.0xa/", "http://192.0.522/"}) {
        auto numeric = onlyHost(form);
        EXPECT_EQ(numeric.form, UrlHostForm::NumericAddress) << form;
        EXPECT_EQ(numeric.host, "192.0.2.10") << form;
    }
    EXPECT_EQ(numericIpv4Address("1.2.3.4.5"), "");
    EXPECT_EQ(numericIpv4Address("4294967296"), "");
    EXPECT_EQ(numericIpv4Address("09.1.1.1"), "");
    EXPECT_EQ(numericIpv4Address("256.1.1.1"), "");
    EXPECT_EQ(numericIpv4Address("99999999999999999999999"), "");
}

TEST(UrlExtractor, DefangedAndEncodedHosts) {
    auto defanged = onlyHost("hxxp://evil[.]example/payload and nothing else");
    EXPECT_EQ(defanged.host, "evil.example");
    EXPECT_TRUE(defanged.defanged);
    EXPECT_EQ(onlyHost("HXXPS://evil(.)example(.)org/").host, "evil.example.org");
    auto encoded = onlyHost("http://%65%76%69%6C.example/");
    EXPECT_EQ(encoded.host, "evil.example");
    EXPECT_TRUE(encoded.encoded);
    EXPECT_FALSE(encoded.defanged);
}

TEST(UrlExtractor, UrlsInsideUrlsAreFollowed) {
    UrlExtractor extractor;
    extractor.addText(
        "https://www.google.com/url?q=https%3A%2F%2Fevil.example%2Fpay&sa=D "
        "http://redirect.example/out?url=http://second.example/x "
        "https://tracker.example/r/https://third.example/");
    const auto& hosts = extractor.result().hosts;
    Hosts names;
    for (const auto& host : hosts) {
        names.push_back(host.host + (host.redirect_target ? "+" : ""));
    }
    EXPECT_EQ(names, (Hosts{"www.google.com", "evil.example+", "redirect.example",
                            "second.example+", "tracker.example", "third.example+"}));
}

TEST(UrlExtractor, NestingIsBounded) {
    std::string nested = "http://a.example/?u=";
    std::string text = nested;
    for (int i = 0; i < 50; ++i) {
        text += "http://h" + std::to_string(i) + ".example/?u=";
    }
    auto hosts = hostsIn(text);
    EXPECT_LE(hosts.size(), 1u + UrlLimits{}.max_nesting);
}

TEST(UrlExtractor, InternationalHostsAndMixedScripts) {
    auto unicode = onlyHost("http://www.bücher.example/");
    EXPECT_EQ(unicode.host, "www.xn--bcher-kva.example");
    EXPECT_TRUE(unicode.international);
    EXPECT_FALSE(unicode.mixed_scripts);
    EXPECT_EQ(onlyHost("http://www.xn--bcher-kva.example/").host, "www.xn--bcher-kva.example");
    // "pаypal" with a Cyrillic "а" (U+0430), written in Unicode and in punycode.
    auto homograph = onlyHost("https://p\xD0\xB0ypal.example/signin");
    EXPECT_TRUE(homograph.mixed_scripts);
    EXPECT_TRUE(onlyHost("https://" + homograph.host + "/signin").mixed_scripts);
    // A name wholly in one script, and Japanese with Latin, are not mixed.
    EXPECT_FALSE(onlyHost("http://пример.рф/").mixed_scripts);
    EXPECT_FALSE(onlyHost("http://sony\xE3\x82\xBD\xE3\x83\x8B\xE3\x83\xBC.jp/").mixed_scripts);
    EXPECT_TRUE(hostMixesScripts("p\xD0\xB0ypal.example"));
    EXPECT_FALSE(hostMixesScripts("paypal.example"));
    EXPECT_FALSE(hostMixesScripts("\xFF\xFE.example"));
}

TEST(UrlExtractor, HtmlLinksIncludingHostileMarkup) {
    HtmlLinks links;
    std::string text = htmlToText(
        "<a href=\"https://click.example/x\">https://bank.example/</a>"
        "<img src='//cdn.example/p.png'><a href=mailto:a@b.example>mail</a>"
        "<a href=\"/relative/path\">r</a><a href=\"  http://spaced.example/\">s</a>"
        "<div><p><a href=\"http://unclosed.example/",
        100000, links);
    UrlExtractor extractor;
    extractor.addText(text);
    for (const auto& link : links.targets) {
        extractor.addLink(link);
    }
    Hosts names;
    for (const auto& host : extractor.result().hosts) {
        names.push_back(host.host);
    }
    EXPECT_EQ(names, (Hosts{"bank.example", "click.example", "cdn.example", "spaced.example"}));
}

TEST(UrlExtractor, AHundredThousandLinksKeepTheHostBound) {
    std::string text;
    for (int i = 0; i < 100000; ++i) {
        text += "<a href=\"http://h" + std::to_string(i) + ".example/\">x</a>\n";
    }
    auto started = std::chrono::steady_clock::now();
    UrlExtractor extractor;
    extractor.addText(text);
    auto elapsed = std::chrono::steady_clock::now() - started;
    EXPECT_EQ(extractor.result().hosts.size(), UrlLimits{}.max_hosts);
    EXPECT_TRUE(extractor.result().hosts_truncated);
    EXPECT_EQ(extractor.result().urls, 100000u);
    EXPECT_LT(elapsed, std::chrono::seconds(20));
}

TEST(UrlExtractor, TenMegabytesOfHostileTextIsLinear) {
    for (std::string unit : {"http://", "www.", "http://a.example/?u=http%3A%2F%2F", "h", "[.]"}) {
        std::string text;
        while (text.size() < 10u * 1024 * 1024) {
            text += unit;
        }
        auto started = std::chrono::steady_clock::now();
        UrlExtractor extractor;
        extractor.addText(text);
        auto elapsed = std::chrono::steady_clock::now() - started;
        EXPECT_LE(extractor.result().hosts.size(), UrlLimits{}.max_hosts);
        EXPECT_LT(elapsed, std::chrono::seconds(30)) << unit;
    }
}

TEST(UrlExtractor, BinaryBytesAreSafe) {
    std::string text;
    for (int i = 0; i < 100000; ++i) {
        text.push_back(static_cast<char>((i * 7919) % 256));
    }
    text += "http://\xC0\xAF.example/ http://\xFF\xFF/ www.\x80\x80.example";
    UrlExtractor extractor;
    extractor.addText(text);
    EXPECT_LE(extractor.result().hosts.size(), 3u);
}
