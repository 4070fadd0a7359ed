// Unit tests of the HTML features check (gateway/checks/html_features): messages in,
// symbols out, each with a reason naming its evidence; the link text comparison and the
// word comparison of alternatives on their own; legitimate mail that looks suspicious
// (a newsletter's preview line and tracking pixel, click trackers that carry the shown
// site, a "view this in HTML" text part, an emoji sequence) must stay quiet.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "gateway/checks/html_features/HtmlFeaturesCheck.hpp"
#include "gateway/checks/html_features/LinkDomains.hpp"
#include "gateway/checks/html_features/PartWords.hpp"
#include "gateway/config/SettingSpec.hpp"
#include "gateway/mime/MimeParser.hpp"

namespace mailgate {
namespace {

const std::string kHeaders =
    "From: Shop <news@shop.example>\r\nTo: bob@example.test\r\nSubject: news\r\n"
    "Date: Mon, 7 Dec 2026 10:00:00 +0000\r\nMessage-ID: <1@shop.example>\r\n"
    "MIME-Version: 1.0\r\n";

std::string htmlMessage(const std::string& html) {
    return kHeaders + "Content-Type: text/html; charset=utf-8\r\n\r\n" + html + "\r\n";
}

std::string alternative(const std::string& plain, const std::string& html) {
    return kHeaders +
           "Content-Type: multipart/alternative; boundary=b\r\n\r\n--b\r\n"
           "Content-Type: text/plain; charset=utf-8\r\n\r\n" +
           plain + "\r\n--b\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + html +
           "\r\n--b--\r\n";
}

CheckOutcome check(const std::string& raw, HtmlFeaturesSettings settings = {}) {
    if (settings.hidden_text_min_characters == 0) {
        settings = defaultConfig().html_features;
    }
    return HtmlFeaturesCheck(settings).check(MimeParser(MimeLimits{}).parse(raw, {}));
}

const Symbol* find(const CheckOutcome& outcome, std::string_view name) {
    for (const auto& symbol : outcome.symbols) {
        EXPECT_FALSE(symbol.detail.empty()) << symbol.name << " must say why";
    }
    auto it = std::find_if(outcome.symbols.begin(), outcome.symbols.end(),
                           [&](const Symbol& symbol) { return symbol.name == name; });
    return it == outcome.symbols.end() ? nullptr : &*it;
}

std::vector<std::string> names(const CheckOutcome& outcome) {
    std::vector<std::string> found;
    for (const auto& symbol : outcome.symbols) {
        found.push_back(symbol.name);
    }
    return found;
}

const std::string kWords =
    "Our winter catalogue has arrived with warm coats, wool scarves and leather boots for "
    "the whole family, and members save twenty percent until Sunday.";

TEST(HtmlFeaturesCheck, PlainTextMailSaysNothing) {
    auto outcome = check(kHeaders + "Content-Type: text/plain\r\n\r\n" + kWords + "\r\n");
    EXPECT_TRUE(outcome.symbols.empty()) << testing::PrintToString(names(outcome));
}

TEST(HtmlFeaturesCheck, HtmlWithoutTextAlternative) {
    auto only = check(htmlMessage("<p>" + kWords + "</p>"));
    ASSERT_NE(find(only, "HTML_ONLY"), nullptr);
    EXPECT_EQ(find(only, "HTML_ONLY")->detail, "HTML and no plain-text part");
    EXPECT_EQ(find(check(alternative(kWords, "<p>" + kWords + "</p>")), "HTML_ONLY"), nullptr);
}

TEST(HtmlFeaturesCheck, AlternativesThatSayDifferentThings) {
    auto differs = check(alternative(
        "quantum giraffe lantern mosaic orchard pebble quiver saffron tundra velvet walnut "
        "zephyr",
        "<p>" + kWords + "</p>"));
    const auto* symbol = find(differs, "HTML_TEXT_DIFFERS");
    ASSERT_NE(symbol, nullptr);
    EXPECT_NE(symbol->detail.find("share 0% of their words"), std::string::npos) << symbol->detail;
    // The same words, or a one-line "view it in HTML" text part, are fine.
    EXPECT_EQ(find(check(alternative(kWords, "<p><b>" + kWords + "</b></p>")), "HTML_TEXT_DIFFERS"),
              nullptr);
    EXPECT_EQ(find(check(alternative("This message is in HTML. Please view it in a browser.",
                                     "<p>" + kWords + "</p>")),
                   "HTML_TEXT_DIFFERS"),
              nullptr);
}

TEST(HtmlFeaturesCheck, MostlyImages) {
    auto images = check(htmlMessage(
        "<a href=\"http://shop.example/\"><img src=\"http://shop.example/offer.jpg\" width=600 "
        "height=800></a><p>Click!</p>"));
    const auto* symbol = find(images, "HTML_MOSTLY_IMAGES");
    ASSERT_NE(symbol, nullptr);
    EXPECT_EQ(symbol->detail,
              "1 image (480000 square pixels given) and 6 characters of visible text");
    // A newsletter with text and a tracking pixel is not mostly images.
    EXPECT_EQ(find(check(htmlMessage("<p>" + kWords + "</p><img src=t.gif width=1 height=1>")),
                   "HTML_MOSTLY_IMAGES"),
              nullptr);
}

TEST(HtmlFeaturesCheck, HiddenTextAndTinyFonts) {
    std::string filler(30, ' ');
    std::string buster;
    for (int i = 0; i < 20; ++i) {
        buster += "random words ";
    }
    auto hidden = check(htmlMessage("<p>" + kWords + "</p><font color=#ffffff>" + buster +
                                    "</font><span style=\"font-size:1px\">" + buster + "</span>"));
    const auto* symbol = find(hidden, "HTML_HIDDEN_TEXT");
    ASSERT_NE(symbol, nullptr);
    EXPECT_EQ(symbol->detail.substr(0, 73),
              "220 characters in the background's colour (#ffffff on #ffffff): \"random w");
    // Hidden by style: a preview line is fine, a long block is not.
    std::string hiddenBlock;
    for (int i = 0; i < 6; ++i) {
        hiddenBlock += buster;
    }
    auto byStyle = check(
        htmlMessage("<p>" + kWords + "</p><div style=\"display:none\">" + hiddenBlock + "</div>"));
    ASSERT_NE(find(byStyle, "HTML_HIDDEN_TEXT"), nullptr);
    EXPECT_NE(
        find(byStyle, "HTML_HIDDEN_TEXT")->detail.find("1320 characters hidden by display:none"),
        std::string::npos);
    ASSERT_NE(find(hidden, "HTML_TINY_FONT"), nullptr);
    // A newsletter's hidden preview line is not enough.
    auto preview = check(htmlMessage(
        "<div style=\"display:none;max-height:0;overflow:hidden\">Our winter catalogue is here: "
        "coats, scarves and boots&zwnj;&nbsp;&zwnj;&nbsp;&zwnj;&nbsp;</div><p>" +
        kWords + "</p>"));
    EXPECT_EQ(find(preview, "HTML_HIDDEN_TEXT"), nullptr);
    EXPECT_EQ(find(preview, "TEXT_ZERO_WIDTH_OBFUSCATION"), nullptr);
}

TEST(HtmlFeaturesCheck, LinkThatShowsAnotherSite) {
    auto phish = check(htmlMessage(
        "<p>Please confirm your account at <a href=\"http://203.0.113.9/paypal/login.php\">"
        "https://www.paypal.com/signin</a> and <a "
        "href=\"http://evil.test/\">www.paypal.com</a></p>"));
    const auto* symbol = find(phish, "HTML_LINK_TEXT_OTHER_DOMAIN");
    ASSERT_NE(symbol, nullptr);
    EXPECT_EQ(symbol->detail,
              "a link shows www.paypal.com but leads to 203.0.113.9 (2 such links)");
    // Same site, a click tracker that carries the shown site, words, a mailto: all fine.
    auto fine = check(htmlMessage(
        "<a href=\"https://links.shop.example/c/1\">www.shop.example</a>"
        "<a "
        "href=\"https://click.esp.example/?u=https%3A%2F%2Fwww.shop.example%2F\">shop.example</a>"
        "<a href=\"https://other.example/\">Read more</a>"
        "<a href=\"mailto:help@shop.example\">help@shop.example</a>"
        "<a href=\"https://files.example/invoice.pdf\">invoice.pdf</a>"));
    EXPECT_EQ(find(fine, "HTML_LINK_TEXT_OTHER_DOMAIN"), nullptr);
}

TEST(HtmlFeaturesCheck, FormsPasswordsScriptsAndFrames) {
    auto outcome = check(htmlMessage(
        "<form action=\"http://evil.test/\"><input name=user><input type=password name=pass>"
        "</form><script>track()</script><iframe src=\"http://evil.test/\"></iframe><p>" +
        kWords + "</p>"));
    EXPECT_EQ(find(outcome, "HTML_FORM")->detail, "1 form in the HTML");
    EXPECT_EQ(find(outcome, "HTML_PASSWORD_FIELD")->detail, "1 password field in the HTML");
    EXPECT_EQ(find(outcome, "HTML_SCRIPT")->detail,
              "1 script element, 0 on... handlers, 0 javascript: URLs");
    EXPECT_EQ(find(outcome, "HTML_IFRAME")->detail, "1 iframe, frame, object or embed element");
}

TEST(HtmlFeaturesCheck, EntityAndZeroWidthObfuscation) {
    auto entities =
        check(htmlMessage("<p>&#86;&#105;&#97;&#103;&#114;&#97; &#99;&#104;&#101;"
                          "&#97;&#112; " +
                          kWords + "</p>"));
    EXPECT_EQ(find(entities, "HTML_ENTITY_OBFUSCATION")->detail,
              "11 ASCII letters or digits written as numeric character references");
    auto zeroWidth = check(kHeaders +
                           "Content-Type: text/plain; charset=utf-8\r\n\r\n"
                           "V\xE2\x80\x8Bi\xE2\x80\x8Bg\xE2\x80\x8Bra for free\r\n");
    EXPECT_EQ(find(zeroWidth, "TEXT_ZERO_WIDTH_OBFUSCATION")->detail,
              "3 zero-width characters or soft hyphens inside words");
    // A family emoji (joined by U+200D) and a BOM are not obfuscation.
    auto emoji = check(kHeaders +
                       "Content-Type: text/plain; charset=utf-8\r\n\r\n"
                       "\xEF\xBB\xBF"
                       "Hi \xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2\x80\x8D"
                       "\xF0\x9F\x91\xA7 see you\r\n");
    EXPECT_TRUE(emoji.symbols.empty()) << testing::PrintToString(names(emoji));
}

TEST(HtmlFeaturesCheck, ThresholdsAreSettings) {
    HtmlFeaturesSettings settings = defaultConfig().html_features;
    settings.escaped_letters_min = 100;
    settings.zero_width_min_in_words = 1;
    auto outcome = check(htmlMessage("<p>&#86;&#105;&#97; fr&shy;ee " + kWords + "</p>"), settings);
    EXPECT_EQ(find(outcome, "HTML_ENTITY_OBFUSCATION"), nullptr);
    EXPECT_NE(find(outcome, "TEXT_ZERO_WIDTH_OBFUSCATION"), nullptr);
}

TEST(LinkDomains, ShownHostsAndTargets) {
    EXPECT_EQ(hostShownByLinkText(" https://WWW.Bank.example/login. "), "www.bank.example");
    EXPECT_EQ(hostShownByLinkText("(www.bank.example)"), "www.bank.example");
    EXPECT_EQ(hostShownByLinkText("https://bank.de/konto"), "bank.de");
    // A bare domain is a brand named as often as a link's claim ("walmart.com").
    EXPECT_EQ(hostShownByLinkText("paypal.com"), std::nullopt);
    EXPECT_EQ(hostShownByLinkText("Click here"), std::nullopt);
    EXPECT_EQ(hostShownByLinkText("invoice.pdf"), std::nullopt);
    EXPECT_EQ(hostShownByLinkText("v2.0"), std::nullopt);
    EXPECT_EQ(hostShownByLinkText("jane@bank.example"), std::nullopt);
    EXPECT_EQ(hostOfLinkTarget("HTTPS://user:pw@Evil.Test:8080/x?y"), "evil.test");
    EXPECT_EQ(hostOfLinkTarget("http://bank.example@evil.test/"), "evil.test");
    EXPECT_EQ(hostOfLinkTarget("mailto:x@bank.example"), std::nullopt);
    EXPECT_EQ(siteOfHost("mail.shop.example."), "shop.example");
    EXPECT_EQ(siteOfHost("192.0.2.1"), "192.0.2.1");
    EXPECT_EQ(siteOfHost("www.shop.co.uk"), "shop.co.uk");
}

TEST(LinkDomains, OnlyAnotherSiteIsAMismatch) {
    EXPECT_FALSE(linkShowsOtherSite("www.bank.example", "https://secure.bank.example/"));
    EXPECT_FALSE(linkShowsOtherSite("www.bank.example", "https://t.example/r?u=www.bank.example"));
    auto lookalike = linkShowsOtherSite("www.bank.example", "http://bank.example.evil.test/");
    ASSERT_TRUE(lookalike);
    EXPECT_EQ(lookalike->target, "bank.example.evil.test");
}

TEST(PartWords, SharedShareOfTheSmallerSet) {
    auto first = distinctWords("The quick brown fox, the QUICK dog; a b", 100);
    EXPECT_EQ(first.size(), 5u);  // the, quick, brown, fox, dog: "a" and "b" are too short
    auto second = distinctWords("quick brown cat", 100);
    EXPECT_DOUBLE_EQ(sharedWordShare(first, second), 2.0 / 3.0);
    EXPECT_DOUBLE_EQ(sharedWordShare(first, {}), 1.0);
    EXPECT_EQ(distinctWords("one two three four", 2).size(), 2u);
    EXPECT_EQ(distinctWords("Vi\xE2\x80\x8B"
                            "agra",
                            10)
                  .count("viagra"),
              1u);
}

}  // namespace
}  // namespace mailgate
