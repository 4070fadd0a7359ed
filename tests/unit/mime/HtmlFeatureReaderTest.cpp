// Unit tests of the HTML feature reader (gateway/mime/HtmlFeatureReader): every feature it
// counts, inheritance of styles through open elements, and hostile markup (unclosed tags,
// unterminated comments and attributes, 100,000 tags, 10 MB, NUL bytes, broken UTF-8,
// reference floods), which it must read in linear time without keeping more than its bounds.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "gateway/mime/HtmlFeatureReader.hpp"
#include "gateway/mime/HtmlStyle.hpp"
#include "gateway/mime/TextCharacters.hpp"

namespace mailgate {
namespace {

std::string repeated(std::string_view piece, std::size_t times) {
    std::string out;
    out.reserve(piece.size() * times);
    for (std::size_t i = 0; i < times; ++i) {
        out += piece;
    }
    return out;
}

TEST(HtmlFeatureReader, CountsVisibleTextWithoutBlanksScriptsOrStyles) {
    auto features = readHtmlFeatures(
        "<html><head><title>Title</title><style>p{color:red}</style></head>"
        "<body><p>Hello  world</p><script>var a = '<p>x</p>';</script><!-- note --></body>");
    EXPECT_EQ(features.visible_characters, 10u);
    EXPECT_EQ(features.hidden_characters, 0u);
    EXPECT_EQ(features.scripts, 1u);
    EXPECT_GE(features.tags, 8u);
}

TEST(HtmlFeatureReader, HiddenTextByStyleAndAttribute) {
    auto none = readHtmlFeatures("<div style=\"DISPLAY: none !important\">secret words</div>shown");
    EXPECT_EQ(none.hidden_characters, 11u);
    EXPECT_EQ(none.hidden_how, "display:none");
    EXPECT_EQ(none.hidden_sample, "secret words");
    EXPECT_EQ(none.visible_characters, 5u);
    EXPECT_EQ(readHtmlFeatures("<span style='visibility:hidden'>abc</span>").hidden_characters, 3u);
    EXPECT_EQ(readHtmlFeatures("<p hidden>abc</p>").hidden_how, "the hidden attribute");
    EXPECT_EQ(readHtmlFeatures("<b style=\"opacity:0\">abc</b>").hidden_characters, 3u);
    auto preheader =
        readHtmlFeatures("<div style=\"max-height:0;overflow:hidden\">Preview</div>Body");
    EXPECT_EQ(preheader.hidden_characters, 7u);
    EXPECT_EQ(preheader.hidden_how, "zero height, overflow hidden");
    // The element's end shows text again, nested or not.
    auto nested =
        readHtmlFeatures("<div style='display:none'><p>one<b>two</b></p>three</div>four<p>five");
    EXPECT_EQ(nested.hidden_characters, 11u);
    EXPECT_EQ(nested.visible_characters, 8u);
}

TEST(HtmlFeatureReader, TextColouredLikeItsBackgroundIsHidden) {
    auto white = readHtmlFeatures("<font color=\"#FFFFFF\">white words</font> black");
    EXPECT_EQ(white.camouflaged_characters, 10u);
    EXPECT_EQ(white.camouflage_colours, "#ffffff on #ffffff");
    EXPECT_EQ(white.camouflaged_sample, "white words");
    EXPECT_EQ(white.hidden_characters, 0u);
    EXPECT_EQ(white.visible_characters, 5u);
    // Near-white on white; a colour given by the body; rgb(); the legacy bgcolor.
    EXPECT_EQ(readHtmlFeatures("<span style=\"color:#fefefe\">abc</span>").camouflaged_characters,
              3u);
    EXPECT_EQ(readHtmlFeatures("<body bgcolor=black text=black>abc</body>").camouflaged_characters,
              3u);
    EXPECT_EQ(
        readHtmlFeatures("<p style='color: rgb(250, 250, 250)'>abc</p>").camouflaged_characters,
        3u);
    EXPECT_EQ(readHtmlFeatures("<table bgcolor=\"#000000\"><tr><td><font color=\"#010101\">abc"
                               "</font></td></tr></table>")
                  .camouflaged_characters,
              3u);
    // White on a dark cell, grey on white, white on a background image: all readable.
    EXPECT_EQ(readHtmlFeatures("<td bgcolor=\"#003366\"><font color=white>abc</font></td>")
                  .camouflaged_characters,
              0u);
    EXPECT_EQ(readHtmlFeatures("<p style=\"color:#999999\">abc</p>").camouflaged_characters, 0u);
    EXPECT_EQ(readHtmlFeatures("<td background=\"hero.jpg\"><font color=white>abc</font></td>")
                  .camouflaged_characters,
              0u);
    EXPECT_EQ(readHtmlFeatures("<div style=\"background:url(x.png) #fff\"><span "
                               "style=\"color:#fff\">abc</span></div>")
                  .camouflaged_characters,
              0u);
    // Default black text on a dark background is not counted: a style sheet may colour it.
    EXPECT_EQ(readHtmlFeatures("<td bgcolor=\"#000000\">abc</td>").camouflaged_characters, 0u);
}

TEST(HtmlFeatureReader, TinyFonts) {
    auto tiny = readHtmlFeatures("<span style=\"font-size:1px\">small print</span> normal");
    EXPECT_EQ(tiny.tiny_font_characters, 10u);
    EXPECT_EQ(tiny.tiny_font_sample, "small print");
    EXPECT_EQ(readHtmlFeatures("<p style='font-size:0'>abc</p>").tiny_font_characters, 3u);
    EXPECT_EQ(readHtmlFeatures("<p style='font-size:2pt'>abc</p>").tiny_font_characters, 3u);
    EXPECT_EQ(readHtmlFeatures("<font size=0>abc</font>").tiny_font_characters, 3u);
    EXPECT_EQ(readHtmlFeatures("<font size=1>abc</font>").tiny_font_characters, 0u);
    EXPECT_EQ(readHtmlFeatures("<p style='font-size:11px'>abc</p>").tiny_font_characters, 0u);
    // A readable size inside a tiny one makes its text readable again.
    EXPECT_EQ(readHtmlFeatures("<div style='font-size:0'>a<span style='font-size:14px'>bcd"
                               "</span></div>")
                  .tiny_font_characters,
              1u);
}

TEST(HtmlFeatureReader, ImagesTrackingPixelsAndArea) {
    auto features = readHtmlFeatures(
        "<img src=a.gif width=600 height=400><IMG SRC='b.gif' style='width:100px;height:50px'>"
        "<img src=pixel.gif width=1 height=1><img src=unsized.png>");
    EXPECT_EQ(features.images, 4u);
    EXPECT_EQ(features.tracking_images, 1u);
    EXPECT_EQ(features.image_area, 600u * 400u + 100u * 50u);
}

TEST(HtmlFeatureReader, FormsPasswordsScriptsAndFrames) {
    auto features = readHtmlFeatures(
        "<form action=\"https://x.example/login\"><input type=text name=u>"
        "<input TYPE=\"Password\" name=p></form>"
        "<a href=\"javascript:go()\" onclick=\"steal()\">x</a><body onload=init()>"
        "<iframe src=x></iframe><object data=y></object><embed src=z>");
    EXPECT_EQ(features.forms, 1u);
    EXPECT_EQ(features.password_fields, 1u);
    EXPECT_EQ(features.scripts, 0u);
    EXPECT_EQ(features.event_handlers, 2u);
    EXPECT_EQ(features.javascript_urls, 1u);
    EXPECT_EQ(features.frames, 3u);
    EXPECT_EQ(readHtmlFeatures("<a href=\"&#106;avascript:x()\">y</a>").javascript_urls, 1u);
    EXPECT_EQ(readHtmlFeatures("<p>one online</p><input type=hidden>").event_handlers, 0u);
}

TEST(HtmlFeatureReader, AnchorsKeepTargetAndVisibleText) {
    auto features = readHtmlFeatures(
        "<p>Log in at <a class=x href=\"http://evil.example/?a=1&amp;b=2\"><b>www.bank</b>"
        ".example</a> or <A HREF=https://other.example/>  click\n here </A>"
        "<a name=top>anchor without target</a><a href='/x'><img src=y.gif></a>");
    ASSERT_EQ(features.anchors.size(), 3u);
    EXPECT_EQ(features.anchors[0].target, "http://evil.example/?a=1&b=2");
    EXPECT_EQ(features.anchors[0].text, "www.bank.example");
    EXPECT_EQ(features.anchors[1].target, "https://other.example/");
    EXPECT_EQ(features.anchors[1].text, "click here");
    EXPECT_EQ(features.anchors[2].text, "");
    // An <a> left open ends at the next one.
    auto open = readHtmlFeatures("<a href=a>first<a href=b>second");
    ASSERT_EQ(open.anchors.size(), 2u);
    EXPECT_EQ(open.anchors[0].text, "first");
    EXPECT_EQ(open.anchors[1].text, "second");
    // Hidden text in a link is not what the reader sees.
    auto hidden = readHtmlFeatures("<a href=x>shown<span style=display:none>.hidden</span></a>");
    EXPECT_EQ(hidden.anchors[0].text, "shown");
}

TEST(HtmlFeatureReader, AnchorsAreBounded) {
    HtmlFeatureLimits limits;
    limits.max_anchors = 2;
    limits.max_anchor_text_bytes = 8;
    limits.max_anchor_target_bytes = 10;
    auto features = readHtmlFeatures(
        "<a href=\"http://long.example/path\">a long visible text</a><a href=b>b</a><a "
        "href=c>c</a>",
        limits);
    ASSERT_EQ(features.anchors.size(), 2u);
    EXPECT_EQ(features.anchors[0].target, "http://lon");
    EXPECT_LE(features.anchors[0].text.size(), 9u);
    EXPECT_EQ(features.anchors_not_kept, 1u);
}

TEST(HtmlFeatureReader, CharacterReferencesAndEscapedLetters) {
    auto features = readHtmlFeatures(
        "&#86;&#x69;&#97;gra &amp; caf&eacute; &#8364;5 <a href=\"&#104;ttp://x\">y</a>");
    EXPECT_EQ(features.character_references, 7u);
    EXPECT_EQ(features.escaped_letters, 4u);  // V, i, a and the h of the href
    EXPECT_EQ(readHtmlFeatures("&lt;p&gt; &nbsp; &#233;t&#233;").escaped_letters, 0u);
    // An address written as references, in text or a mailto: target, keeps it from
    // harvesters; that is not obfuscation of the message.
    auto address = readHtmlFeatures(
        "<a href=\"&#109;&#97;&#105;&#108;&#116;&#111;:&#106;&#111;&#101;@x.example\">"
        "&#106;&#111;&#101;&#64;x.example</a> &#86;&#105;&#97;gra");
    EXPECT_EQ(address.escaped_letters, 3u);
    EXPECT_EQ(address.character_references, 16u);
    EXPECT_EQ(readHtmlFeatures("<a href=\"mailto:jo@x.example\">&#69;&#45;&#109;&#97;&#105;&#108; "
                               "&#117;&#115;</a>")
                  .escaped_letters,
              0u);
}

TEST(HtmlFeatureReader, InvisibleCharactersInsideWords) {
    auto features = readHtmlFeatures(
        "V\xE2\x80\x8Bi&#8203;a&zwnj;g&shy;ra "
        "\xEF\xBB\xBF"
        "start &zwnj;&nbsp;&zwnj;&nbsp; end");
    EXPECT_EQ(features.invisible_characters, 7u);
    EXPECT_EQ(features.invisible_in_words, 4u);
    EXPECT_EQ(features.visible_characters, 14u);
    // Between two Arabic letters (where ZWNJ is spelling) and between emoji: not in a word.
    EXPECT_EQ(readHtmlFeatures("\xD9\x85\xE2\x80\x8C\xD9\x8A \xF0\x9F\x91\xA8\xE2\x80\x8D"
                               "\xF0\x9F\x91\xA9")
                  .invisible_in_words,
              0u);
}

TEST(HtmlFeatureReader, PlainTextInvisibleCounter) {
    auto counter = countInvisibleCharacters(
        "fr\xE2\x80\x8B"
        "ee mo\xC2\xAD"
        "ney \xE2\x80\x8B");
    EXPECT_EQ(counter.total(), 3u);
    EXPECT_EQ(counter.inWords(), 2u);
}

TEST(HtmlStyle, ColoursAndSizes) {
    EXPECT_EQ(parseHtmlColour("#FfF"), (HtmlColour{255, 255, 255}));
    EXPECT_EQ(parseHtmlColour("ffffff"), (HtmlColour{255, 255, 255}));
    EXPECT_EQ(parseHtmlColour(" White "), (HtmlColour{255, 255, 255}));
    EXPECT_EQ(parseHtmlColour("rgb(1,2, 3)"), (HtmlColour{1, 2, 3}));
    EXPECT_FALSE(parseHtmlColour("transparent"));
    EXPECT_FALSE(parseHtmlColour("#12"));
    EXPECT_FALSE(parseHtmlColour("rgb(300,0,0)"));
    EXPECT_TRUE(coloursAlike({255, 255, 255}, {240, 240, 240}));
    EXPECT_FALSE(coloursAlike({255, 255, 255}, {200, 200, 200}));
    EXPECT_EQ(tinyFontSize("1px"), true);
    EXPECT_EQ(tinyFontSize("0.1em"), true);
    EXPECT_EQ(tinyFontSize("12px"), false);
    EXPECT_EQ(tinyFontSize("small"), std::nullopt);
    EXPECT_EQ(pixelLength("600px"), 600);
    EXPECT_EQ(pixelLength("50%"), std::nullopt);
}

TEST(HtmlFeatureReader, BrokenMarkupNeverCrashes) {
    EXPECT_EQ(readHtmlFeatures("text <unterminated tag").visible_characters, 4u);
    EXPECT_EQ(readHtmlFeatures("a <!-- never closed <p>b").visible_characters, 1u);
    EXPECT_EQ(readHtmlFeatures("<script>never closed").scripts, 1u);
    EXPECT_EQ(readHtmlFeatures("<a href=\"never closed>text</a>").anchors.size(), 1u);
    EXPECT_EQ(readHtmlFeatures("1 < 2 and 3 > 2").visible_characters, 9u);
    EXPECT_EQ(readHtmlFeatures("</closing></without><opening>").tags, 3u);
    EXPECT_EQ(readHtmlFeatures("<<<<>>>><</><!><?>").tags, 1u);
    std::string nul("a\0b<p\0 style='display:none'>c\0</p>", 34);
    EXPECT_EQ(readHtmlFeatures(nul).hidden_characters, 2u);
    auto broken = readHtmlFeatures("\xFF\xFE<b>\xC3</b>\xE2\x80<i>\xF0\x9F</i>ok");
    EXPECT_GE(broken.visible_characters, 2u);
    // Too long to be a reference, a surrogate (decoded as U+FFFD), nothing, a lone '&'.
    EXPECT_EQ(readHtmlFeatures("&#99999999999999999999; &#xD800; &#;&").character_references, 1u);
}

TEST(HtmlFeatureReader, HostileSizesStayLinear) {
    auto start = std::chrono::steady_clock::now();
    auto deep = readHtmlFeatures(repeated("<div style='color:#fff'>", 100000) + "x");
    EXPECT_EQ(deep.tags, 100000u);
    EXPECT_EQ(deep.camouflaged_characters, 1u);
    auto closes = readHtmlFeatures(repeated("<b>", 50000) + repeated("</i>", 50000));
    EXPECT_EQ(closes.tags, 100000u);
    auto anchors = readHtmlFeatures(repeated("<a href=\"http://x.example/\">link</a>", 100000));
    EXPECT_EQ(anchors.anchors.size(), HtmlFeatureLimits{}.max_anchors);
    EXPECT_EQ(anchors.anchors_not_kept, 100000u - HtmlFeatureLimits{}.max_anchors);
    EXPECT_EQ(readHtmlFeatures(std::string(10 * 1024 * 1024, 'x')).visible_characters,
              10u * 1024 * 1024);
    EXPECT_EQ(readHtmlFeatures(std::string(10 * 1024 * 1024, '&')).character_references, 0u);
    EXPECT_EQ(readHtmlFeatures(repeated("&#65;", 2000000)).escaped_letters, 2000000u);
    EXPECT_EQ(readHtmlFeatures(std::string(10 * 1024 * 1024, '<')).tags, 0u);
    readHtmlFeatures("<p " + std::string(10 * 1024 * 1024, 'a') + ">");
    readHtmlFeatures("<p style=\"" + repeated("color:red;", 1000000) + "\">x</p>");
    readHtmlFeatures(repeated("<script>", 100000));
    readHtmlFeatures(repeated("<!--", 100000));
    auto elapsed = std::chrono::steady_clock::now() - start;
    EXPECT_LT(elapsed, std::chrono::seconds(60));  // under sanitizers; quadratic would be hours
}

}  // namespace
}  // namespace mailgate
