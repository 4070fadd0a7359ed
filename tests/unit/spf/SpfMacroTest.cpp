// Unit tests of the SPF macro language: RFC 7208 section 7.4's examples, transformers,
// delimiters, URL escaping, explanation-only letters, truncation, and syntax errors.
#include <gtest/gtest.h>

#include "gateway/spf/SpfMacro.hpp"

namespace mailgate {
namespace {

SpfMacroContext exampleContext(const std::string& ip = "192.0.2.3") {
    SpfMacroContext context;
    context.sender = "strong-bad@email.example.com";
    context.local_part = "strong-bad";
    context.sender_domain = "email.example.com";
    context.domain = "email.example.com";
    context.client = *IpAddress::parse(ip);
    context.helo = "mx.example.org";
    context.validated_name = "mx.example.org";
    context.receiver = "gw.example.net";
    context.now = 1700000000;
    return context;
}

std::string expand(const std::string& text, SpfMacroUse use = SpfMacroUse::DomainSpec,
                   const SpfMacroContext& context = exampleContext()) {
    auto result = expandSpfMacroText(text, use, context);
    EXPECT_TRUE(result.ok()) << text << ": " << (result.ok() ? "" : result.error());
    return result.ok() ? *result : "";
}

TEST(SpfMacroTest, Rfc7208Examples) {
    EXPECT_EQ(expand("%{s}", SpfMacroUse::ModifierValue), "strong-bad@email.example.com");
    EXPECT_EQ(expand("%{o}"), "email.example.com");
    EXPECT_EQ(expand("%{d}"), "email.example.com");
    EXPECT_EQ(expand("%{d4}"), "email.example.com");
    EXPECT_EQ(expand("%{d3}"), "email.example.com");
    EXPECT_EQ(expand("%{d2}"), "example.com");
    EXPECT_EQ(expand("%{d1}"), "com");
    EXPECT_EQ(expand("%{dr}"), "com.example.email");
    EXPECT_EQ(expand("%{d2r}"), "example.email");
    EXPECT_EQ(expand("%{l}", SpfMacroUse::ModifierValue), "strong-bad");
    EXPECT_EQ(expand("%{l-}", SpfMacroUse::ModifierValue), "strong.bad");
    EXPECT_EQ(expand("%{lr}", SpfMacroUse::ModifierValue), "strong-bad");
    EXPECT_EQ(expand("%{lr-}", SpfMacroUse::ModifierValue), "bad.strong");
    EXPECT_EQ(expand("%{l1r-}", SpfMacroUse::ModifierValue), "strong");
    EXPECT_EQ(expand("%{ir}.%{v}._spf.%{d2}"), "3.2.0.192.in-addr._spf.example.com");
    EXPECT_EQ(expand("%{lr-}.lp._spf.%{d2}"), "bad.strong.lp._spf.example.com");
    EXPECT_EQ(expand("%{lr-}.lp.%{ir}.%{v}._spf.%{d2}"),
              "bad.strong.lp.3.2.0.192.in-addr._spf.example.com");
    EXPECT_EQ(expand("%{ir}.%{v}.%{l1r-}.lp._spf.%{d2}"),
              "3.2.0.192.in-addr.strong.lp._spf.example.com");
    EXPECT_EQ(expand("%{d2}.trusted-domains.example.net"),
              "example.com.trusted-domains.example.net");
}

TEST(SpfMacroTest, Ipv6ClientIsDottedNibbles) {
    auto context = exampleContext("2001:db8::cb01");
    EXPECT_EQ(
        expand("%{ir}.%{v}._spf.%{d2}", SpfMacroUse::DomainSpec, context),
        "1.0.B.C.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.B.D.0.1.0.0.2.ip6._spf.example.com");
    EXPECT_EQ(expand("%{c}", SpfMacroUse::Explanation, context), "2001:db8::cb01");
}

TEST(SpfMacroTest, EscapesAndUpperCaseLetters) {
    EXPECT_EQ(expand("a%%b%_c%-d", SpfMacroUse::ModifierValue), "a%b c%20d");
    auto context = exampleContext();
    context.local_part = "a b/c";
    EXPECT_EQ(expand("%{L}", SpfMacroUse::ModifierValue, context), "a%20b%2Fc");
}

TEST(SpfMacroTest, ExplanationLettersOnlyInExplanations) {
    EXPECT_EQ(expand("%{c} via %{r} at %{t}", SpfMacroUse::Explanation),
              "192.0.2.3 via gw.example.net at 1700000000");
    EXPECT_FALSE(checkSpfMacroText("%{c}.example.com", SpfMacroUse::DomainSpec).ok());
    EXPECT_FALSE(checkSpfMacroText("a b", SpfMacroUse::ModifierValue).ok());
    EXPECT_TRUE(checkSpfMacroText("a b", SpfMacroUse::Explanation).ok());
}

TEST(SpfMacroTest, ValidatedNameAndUnknown) {
    EXPECT_TRUE(usesValidatedName("%{p}.example.com"));
    EXPECT_TRUE(usesValidatedName("%{P2r}"));
    EXPECT_FALSE(usesValidatedName("%{d}"));
    auto context = exampleContext();
    context.validated_name.clear();
    EXPECT_EQ(expand("%{p}.example.com", SpfMacroUse::DomainSpec, context), "unknown.example.com");
}

TEST(SpfMacroTest, HugeDigitsTakeEveryPart) {
    EXPECT_EQ(expand("%{d999999999999}"), "email.example.com");
}

TEST(SpfMacroTest, LongExpansionLosesLabelsFromTheLeft) {
    auto context = exampleContext();
    context.local_part = std::string(60, 'a') + "." + std::string(60, 'b') + "." +
                         std::string(60, 'c') + "." + std::string(60, 'd');
    auto name = expand("%{l}.%{d}", SpfMacroUse::DomainSpec, context);
    EXPECT_LE(name.size(), 253u);
    EXPECT_EQ(name, std::string(60, 'b') + "." + std::string(60, 'c') + "." + std::string(60, 'd') +
                        ".email.example.com");
}

TEST(SpfMacroTest, SyntaxErrors) {
    for (const char* text : {"%", "%{", "%{d", "%{d2", "%{q}", "%{d0}", "%x", "%{d.}x", "%{dr+}a",
                             "%{d}.123", "a.b.c-"}) {
        EXPECT_FALSE(checkSpfMacroText(text, SpfMacroUse::DomainSpec).ok()) << text;
    }
    EXPECT_TRUE(checkSpfMacroText("%{d}", SpfMacroUse::DomainSpec).ok());
    EXPECT_TRUE(checkSpfMacroText("_spf.example.com.", SpfMacroUse::DomainSpec).ok());
    EXPECT_TRUE(checkSpfMacroText("%{ir}.%{v}._spf.%{d2}", SpfMacroUse::DomainSpec).ok());
}

}  // namespace
}  // namespace mailgate
