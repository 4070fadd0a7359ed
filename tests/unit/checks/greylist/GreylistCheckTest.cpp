// Unit tests of greylisting's logic: whitelists (postgrey's entry syntax), the triplet
// and its keys, who is skipped, the deferral, the header of the attempt that passes, SPF
// domain keying, and the Redis-failure policy. The store answers what each test
// scripts; the store's own semantics are tested against Redis in tests/store.
#include <gtest/gtest.h>

#include "gateway/checks/greylist/GreylistCheck.hpp"
#include "gateway/config/SettingSpec.hpp"
#include "tests/support/ScriptedGreylistStore.hpp"
#include "tests/support/StaticDnsLookup.hpp"

using namespace mailgate;
using mailgate::testing::runToCompletion;
using mailgate::testing::ScriptedGreylistStore;
using mailgate::testing::StaticDnsLookup;

namespace {

std::shared_ptr<SmtpSession> internetSession() {
    auto session = std::make_shared<SmtpSession>();
    session->client_address = *IpAddress::parse("192.0.2.77");
    session->client_name = "mx.sender.test";
    session->sender = "Alice+tag@Sender.TEST";
    session->recipients = {"Bob@Example.TEST"};
    return session;
}

// Greylisting's outcome, with its state and detail as the decision log shows them.
struct GreylistVerdict {
    CheckOutcome outcome;
    std::string state;
    std::string detail;
};

struct Fixture {
    explicit Fixture(GreylistSettings settings = defaultConfig().greylist)
        : store(std::make_shared<ScriptedGreylistStore>()), check(settings, store) {}

    // `earlier`: what the other checks found; the engine reads the facts from it.
    GreylistVerdict run(std::shared_ptr<SmtpSession> session, CheckOutcome earlier = {}) {
        session->now = 1764500000;
        session->facts = factsFromSymbols(earlier.symbols);
        StaticDnsLookup dns;
        auto outcome = runToCompletion(check.check(*session, dns));
        auto state = outcome.logField("greylist");
        auto detail = outcome.logField("greylist_detail");
        return {std::move(outcome), std::move(state), std::move(detail)};
    }

    std::shared_ptr<ScriptedGreylistStore> store;
    GreylistCheck check;
};

}  // namespace

TEST(RecipientPattern, PostgreySyntax) {
    auto matches = [](const char* pattern, const char* recipient) {
        auto parsed = RecipientPattern::parse(pattern);
        EXPECT_TRUE(parsed.ok()) << pattern;
        return parsed && parsed->matches(recipient);
    };
    EXPECT_TRUE(matches("example.com", "bob@example.com"));
    EXPECT_TRUE(matches("example.com", "bob@lists.example.com"));
    EXPECT_FALSE(matches("example.com", "bob@notexample.com"));
    EXPECT_TRUE(matches("postmaster@", "Postmaster@any.example"));
    EXPECT_TRUE(matches("bob@example.com", "bob+folder@example.com"));
    EXPECT_FALSE(matches("bob@example.com", "bobby@example.com"));
    EXPECT_TRUE(matches("/^abuse@/", "abuse@example.net"));
    EXPECT_FALSE(RecipientPattern::parse("").ok());
    EXPECT_FALSE(RecipientPattern::parse("a b@c").ok());
    EXPECT_FALSE(RecipientPattern::parse("/(/").ok());
}

TEST(GreylistTriplet, KeysShareTheOriginHashTag) {
    GreylistTriplet triplet{"192.0.2.0/24", "", "bob@example.test"};
    EXPECT_EQ(triplet.originKey(), "greylist:{192.0.2.0/24}");
    EXPECT_EQ(triplet.tripletKey(), "greylist:{192.0.2.0/24}:<>:bob@example.test");
    GreylistTriplet parsed;
    ASSERT_TRUE(parseTripletKey(triplet.tripletKey(), parsed));
    EXPECT_EQ(parsed.origin, "192.0.2.0/24");
    EXPECT_EQ(parsed.sender, "");
    EXPECT_EQ(parsed.recipient, "bob@example.test");
    EXPECT_FALSE(parseTripletKey("greylist:{192.0.2.0/24}", parsed));
    EXPECT_FALSE(parseTripletKey("other:{x}:a:b", parsed));
    EXPECT_EQ(clientNetworkOrigin(*IpAddress::parse("2001:db8:1:2:3::9"), 24, 64),
              "2001:db8:1:2::/64");
}

TEST(GreylistCheck, ANewTripletIsDeferredWithTheSecondsToWait) {
    Fixture fixture;
    fixture.store->answer({GreylistStatus::New, 300, 0});
    auto verdict = fixture.run(internetSession());
    EXPECT_EQ(verdict.state, "new");
    ASSERT_TRUE(verdict.outcome.defers());
    EXPECT_EQ(verdict.outcome.reply->code, 450);
    EXPECT_EQ(verdict.outcome.reply->status, "4.7.1");
    EXPECT_EQ(verdict.outcome.reply->text, "Greylisted, please try again in 300 seconds");
    EXPECT_TRUE(verdict.outcome.reply->unless_rejected);
    ASSERT_EQ(fixture.store->asked.size(), 1u);
    const auto& triplet = fixture.store->asked.front();
    EXPECT_EQ(triplet.origin, "192.0.2.0/24");
    EXPECT_EQ(triplet.sender, "alice@sender.test");
    EXPECT_EQ(triplet.recipient, "bob@example.test");
    EXPECT_EQ(fixture.store->last_timing.delay_s, 300);
}

TEST(GreylistCheck, PlainDeferAndPostgreyTextVariables) {
    GreylistSettings settings = defaultConfig().greylist;
    settings.action = GreylistAction::Defer;
    settings.reply_text = "Greylisted, see https://help.example/%r.html (%s s) 100%";
    Fixture fixture(settings);
    fixture.store->answer({GreylistStatus::Early, 42, 0});
    auto verdict = fixture.run(internetSession());
    EXPECT_EQ(verdict.state, "early");
    ASSERT_TRUE(verdict.outcome.defers());
    EXPECT_FALSE(verdict.outcome.reply->unless_rejected);
    EXPECT_EQ(verdict.outcome.reply->text,
              "Greylisted, see https://help.example/example.test.html (42 s) 100%");
}

TEST(GreylistCheck, TheAttemptThatPassesGetsTheHeader) {
    Fixture fixture;
    fixture.store->answer({GreylistStatus::Passed, 301, 1});
    auto verdict = fixture.run(internetSession());
    EXPECT_EQ(verdict.state, "passed");
    EXPECT_FALSE(verdict.outcome.reply);
    ASSERT_EQ(verdict.outcome.headers.size(), 1u);
    EXPECT_EQ(verdict.outcome.headers[0].name, "X-Greylist");
    EXPECT_EQ(verdict.outcome.headers[0].value.rfind("delayed 301 seconds by mailgate-", 0), 0u)
        << verdict.outcome.headers[0].value;

    fixture.store->answer({GreylistStatus::Known, 301, 2});
    auto known = fixture.run(internetSession());
    EXPECT_EQ(known.state, "known");
    EXPECT_FALSE(known.outcome.reply);
    EXPECT_TRUE(known.outcome.headers.empty());
}

TEST(GreylistCheck, AuthenticatedTrustedAndWhitelistedAreNotAsked) {
    GreylistSettings settings = defaultConfig().greylist;
    settings.whitelist_clients = {"sender.test"};
    settings.whitelist_sender_domains = {"friends.test"};
    Fixture fixture(settings);

    auto authenticated = internetSession();
    authenticated->authenticated_user = "alice";
    EXPECT_EQ(fixture.run(authenticated).detail, "authenticated client");
    auto trusted = internetSession();
    trusted->trusted_network = true;
    EXPECT_EQ(fixture.run(trusted).detail, "trusted network");
    EXPECT_EQ(fixture.run(internetSession()).detail, "client entry sender.test");
    auto postmaster = internetSession();
    postmaster->client_name = "unknown";
    postmaster->recipients = {"postmaster@example.test"};  // in the default whitelist
    EXPECT_EQ(fixture.run(postmaster).detail, "recipient entry postmaster@");
    auto friendly = internetSession();
    friendly->client_name = "unknown";
    friendly->sender = "x@mail.friends.test";
    EXPECT_EQ(fixture.run(friendly).detail, "sender domain entry friends.test");
    EXPECT_TRUE(fixture.store->asked.empty());
}

TEST(GreylistCheck, SpfPassKeysOnTheSenderDomainWhenAsked) {
    GreylistSettings settings = defaultConfig().greylist;
    settings.key_on_spf_domain = true;
    Fixture fixture(settings);
    CheckOutcome spfPassed;
    spfPassed.addSymbol("SPF_PASS", -0.5, "sender.test");
    fixture.store->answer({GreylistStatus::New, 300, 0});
    fixture.store->answer({GreylistStatus::New, 300, 0});
    fixture.run(internetSession(), spfPassed);
    fixture.run(internetSession());  // no SPF pass: the client network
    ASSERT_EQ(fixture.store->asked.size(), 2u);
    EXPECT_EQ(fixture.store->asked[0].origin, "spf:sender.test");
    EXPECT_EQ(fixture.store->asked[1].origin, "192.0.2.0/24");
}

TEST(GreylistCheck, AStoreFailureFollowsThePolicy) {
    Fixture lenient;
    lenient.store->fail("redis unavailable: connect failed");
    auto passed = lenient.run(internetSession());
    EXPECT_EQ(passed.state, "store_failed");
    EXPECT_FALSE(passed.outcome.reply);
    EXPECT_NE(passed.outcome.dependency_failure.find("redis unavailable"), std::string::npos);

    GreylistSettings settings = defaultConfig().greylist;
    settings.on_redis_failure = GreylistFailurePolicy::Tempfail;
    Fixture strict(settings);
    strict.store->fail("redis unavailable");
    auto deferred = strict.run(internetSession());
    ASSERT_TRUE(deferred.outcome.defers());
    EXPECT_EQ(deferred.outcome.reply->code, 451);
    EXPECT_FALSE(deferred.outcome.rejects());
    EXPECT_TRUE(strict.check.unfinished().defers());
    EXPECT_FALSE(lenient.check.unfinished().reply);
}
