// Unit tests of registrable domains by the Public Suffix List and of international host
// names: multi-label suffixes, wildcard and private rules, IDNs both ways, addresses and
// garbage.
#include <gtest/gtest.h>

#include "gateway/net/PublicSuffix.hpp"

using namespace mailgate;

TEST(PublicSuffix, TheListIsLoaded) {
    EXPECT_FALSE(publicSuffixSource().empty());
}

TEST(PublicSuffix, RegistrableDomainOfOrdinaryNames) {
    EXPECT_EQ(registrableDomain("www.example.com"), "example.com");
    EXPECT_EQ(registrableDomain("a.b.c.Example.COM."), "example.com");
    EXPECT_EQ(registrableDomain("example.com"), "example.com");
    // An unknown top label is a suffix by the list's default rule.
    EXPECT_EQ(registrableDomain("mail.shop.test"), "shop.test");
}

TEST(PublicSuffix, MultiLabelSuffixes) {
    EXPECT_EQ(registrableDomain("www.shop.co.uk"), "shop.co.uk");
    EXPECT_EQ(registrableDomain("shop.co.uk"), "shop.co.uk");
    EXPECT_EQ(registrableDomain("mail.firm.com.au"), "firm.com.au");
    // Private suffixes: each customer's site is its own registrable domain.
    EXPECT_EQ(registrableDomain("evil.github.io"), "evil.github.io");
    EXPECT_EQ(registrableDomain("x.evil.blogspot.com"), "evil.blogspot.com");
}

TEST(PublicSuffix, SuffixesAddressesAndGarbageHaveNone) {
    EXPECT_EQ(registrableDomain("co.uk"), "");
    EXPECT_EQ(registrableDomain("com"), "");
    EXPECT_EQ(registrableDomain("localhost"), "");
    EXPECT_EQ(registrableDomain("192.0.2.1"), "");
    EXPECT_EQ(registrableDomain("[192.0.2.1]"), "");
    EXPECT_EQ(registrableDomain("2001:db8::1"), "");
    EXPECT_EQ(registrableDomain(""), "");
    EXPECT_EQ(registrableDomain("a..example.com"), "");
    EXPECT_EQ(registrableDomain("bad host.example.com"), "");
    EXPECT_EQ(registrableDomain(std::string("nul\0.example.com", 16)), "");
    EXPECT_EQ(registrableDomain(std::string(300, 'a') + ".com"), "");
}

TEST(PublicSuffix, InternationalNamesInPunycode) {
    EXPECT_EQ(asciiHostName("Bücher.Example"), "xn--bcher-kva.example");
    EXPECT_EQ(unicodeHostName("xn--bcher-kva.example"), "bücher.example");
    EXPECT_EQ(registrableDomain("www.bücher.de"), "xn--bcher-kva.de");
    EXPECT_EQ(registrableDomain("www.xn--bcher-kva.de"), "xn--bcher-kva.de");
    // Under an international suffix (.рф), in either form.
    EXPECT_EQ(registrableDomain("почта.пример.рф"), "xn--e1afmkfd.xn--p1ai");
    EXPECT_EQ(registrableDomain("xn--80a1acny.xn--e1afmkfd.xn--p1ai"), "xn--e1afmkfd.xn--p1ai");
    EXPECT_EQ(unicodeHostName("Plain.Example"), "plain.example");
}

TEST(PublicSuffix, RegistrableDomainOrHostKeepsSingleLabels) {
    EXPECT_EQ(registrableDomainOrHost("Mail.Shop.co.uk."), "shop.co.uk");
    EXPECT_EQ(registrableDomainOrHost("LOCALHOST."), "localhost");
    EXPECT_EQ(registrableDomainOrHost("co.uk"), "co.uk");
}
