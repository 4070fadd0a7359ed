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
}
