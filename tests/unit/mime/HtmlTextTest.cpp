// Unit tests of HTML reduced to text: tags and blocks, script and style, comments,
// character references, hostile markup, and the output bound.
#include <gtest/gtest.h>

#include "gateway/mime/HtmlText.hpp"

using mailgate::htmlToText;

TEST(HtmlText, TagsGoBlocksBreakLines) {
    EXPECT_EQ(htmlToText("<html><body><p>Hello <b>world</b></p><p>Second</p></body></html>", 1000),
              "Hello world\nSecond");
    EXPECT_EQ(htmlToText("one<br>two<br/>three", 1000), "one\ntwo\nthree");
}

TEST(HtmlText, ScriptStyleAndCommentsAreNotText) {
    EXPECT_EQ(htmlToText("a<script>var x = '<p>no</p>';</script>b<style>p{}</style>c"
                         "<!-- hidden <p> -->d",
                         1000),
              "abcd");
    EXPECT_EQ(htmlToText("<SCRIPT type=x>alert(1)</SCRIPT >visible", 1000), "visible");
}

TEST(HtmlText, CharacterReferences) {
    EXPECT_EQ(htmlToText("Tom &amp; Jerry &lt;3 &#39;x&#x27; caf&eacute; &euro;5", 1000),
              "Tom & Jerry <3 'x' caf\xC3\xA9 \xE2\x82\xAC"
              "5");
    EXPECT_EQ(htmlToText("&bogus; &#xZZ; &#0; & alone", 1000),
              "&bogus; &#xZZ; \xEF\xBF\xBD & alone");
}

TEST(HtmlText, HostileMarkupIsBounded) {
    EXPECT_EQ(htmlToText("text <unterminated tag", 1000), "text");
    EXPECT_EQ(htmlToText("<script>never closed", 1000), "");
    std::string huge(100000, 'x');
    EXPECT_EQ(htmlToText(huge, 100).size(), 100u);
    std::string tags;
    for (int i = 0; i < 20000; ++i) {
        tags += "<div>";
    }
    EXPECT_EQ(htmlToText(tags + "end", 1000), "end");
    // A reference's ';' is looked for within reach only: 10 MB of '&' (no ';') would take
    // hours if every '&' searched to the end.
    EXPECT_EQ(htmlToText(std::string(10 * 1024 * 1024, '&'), 1 << 20).size(), 1u << 20);
}

TEST(HtmlText, CollectsLinkAndImageTargets) {
    mailgate::HtmlLinks links;
    auto text = htmlToText(
        "<p>Click <a class=x HREF=\"http://shop.example/buy?a=1&amp;b=2\">here</a> "
        "<img src='https://cdn.example/i.gif'> <a href=http://bare.example/x>b</a>"
        "<a name=top>no target</a><link data-href=\"not-this\"></p>",
        1000, links);
    EXPECT_EQ(text, "Click here b no target");
    ASSERT_EQ(links.targets.size(), 3u);
    EXPECT_EQ(links.targets[0], "http://shop.example/buy?a=1&b=2");
    EXPECT_EQ(links.targets[1], "https://cdn.example/i.gif");
    EXPECT_EQ(links.targets[2], "http://bare.example/x");
}

TEST(HtmlText, LinkTargetsAreBounded) {
    mailgate::HtmlLinks links;
    links.max_targets = 2;
    links.max_target_bytes = 10;
    std::string html;
    for (int i = 0; i < 1000; ++i) {
        html += "<a href=\"http://very-long-host-name.example/\">x</a>";
    }
    html += "<a href=\"unterminated";
    htmlToText(html, 100000, links);
    ASSERT_EQ(links.targets.size(), 2u);
    EXPECT_EQ(links.targets[0], "http://ver");
    mailgate::HtmlLinks hostile;
    htmlToText("<a href=><a href = ' ><img src", 1000, hostile);
    EXPECT_TRUE(hostile.targets.empty());
}
