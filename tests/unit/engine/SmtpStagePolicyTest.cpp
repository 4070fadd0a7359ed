// Unit tests of the SMTP stage's decision and its Postfix wording: requests read into
// sessions, checks chosen by stage, the reply deadline (a silent DNS server), greylisting
// after the other checks and never for rejected mail, and the access(5) actions.
#include <gtest/gtest.h>

#include "gateway/checks/greylist/GreylistStore.hpp"
#include "gateway/config/SettingSpec.hpp"
#include "gateway/engine/SmtpStagePolicy.hpp"
#include "policyd/PolicyAction.hpp"
#include "policyd/SessionFromRequest.hpp"
#include "tests/support/ScriptedGreylistStore.hpp"
#include "tests/support/StaticDnsLookup.hpp"

using namespace mailgate;
using mailgate::testing::runUntilComplete;
using mailgate::testing::ScriptedGreylistStore;
using mailgate::testing::StaticDnsLookup;

namespace {

std::shared_ptr<SmtpSession> rcptFrom(const char* address, const char* recipient) {
    auto session = std::make_shared<SmtpSession>();
    session->stage = SmtpStage::Rcpt;
    session->client_address = *IpAddress::parse(address);
    session->sender = "alice@sender.test";
    session->recipients = {recipient};
    return session;
}

SmtpStageVerdict evaluate(const SmtpStagePolicy& policy, std::shared_ptr<SmtpSession> session,
                          int deadlineMs = 1000) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(deadlineMs);
    session->now = 1764500000;
    return runUntilComplete(policy.evaluate(std::move(session), deadline));
}

// The services of a policy daemon, with the test's DNS and greylisting store.
Services servicesWith(DnsLookup& dns, std::shared_ptr<GreylistStore> store) {
    Services services;
    services.dns = &dns;
    services.greylist_store = std::move(store);
    return services;
}

// Greylisting's result, when it ran.
const CheckOutcome* greylistOf(const SmtpStageVerdict& verdict) {
    const auto* result = verdict.postFilter("greylist");
    return result ? &result->outcome : nullptr;
}

Config gatewayConfig() {
    Config config = defaultConfig();
    config.spf.enabled = false;
    config.relay.domains = {"example.test"};
    config.greylist.enabled = true;
    return config;
}

PolicyRequest request(std::vector<std::pair<std::string, std::string>> attributes) {
    PolicyRequest built;
    built.add("request", "smtpd_access_policy");
    for (auto& [name, value] : attributes) {
        built.add(name, value);
    }
    return built;
}

}  // namespace

TEST(SessionFromRequest, ReadsTheAttributesThatMatter) {
    auto session = smtpSessionFromRequest(request({{"protocol_state", "END-OF-MESSAGE"},
                                                   {"client_address", "2001:db8::7"},
                                                   {"client_name", "mx.sender.test"},
                                                   {"helo_name", "mx.sender.test"},
                                                   {"sender", "a@sender.test"},
                                                   {"recipient", ""},
                                                   {"recipient_count", "3"},
                                                   {"size", "12345"},
                                                   {"sasl_username", "alice"}}));
    ASSERT_TRUE(session.ok()) << session.error();
    EXPECT_EQ(session->stage, SmtpStage::EndOfMessage);
    EXPECT_EQ(session->client_address.toString(), "2001:db8::7");
    EXPECT_TRUE(session->recipients.empty());
    EXPECT_EQ(session->recipient_count, 3u);
    EXPECT_EQ(session->message_size, 12345u);
    EXPECT_TRUE(session->authenticated());
    EXPECT_EQ(smtpSessionFromRequest(
                  request({{"protocol_state", "EHLO"}, {"client_address", "192.0.2.1"}}))
                  ->stage,
              SmtpStage::Helo);
}

TEST(SessionFromRequest, RefusesWhatItCannotRead) {
    EXPECT_FALSE(
        smtpSessionFromRequest(request({{"protocol_state", "RCPT"}, {"client_address", "unknown"}}))
            .ok());
    EXPECT_FALSE(smtpSessionFromRequest(
                     request({{"protocol_state", "BDAT"}, {"client_address", "192.0.2.1"}}))
                     .ok());
    auto odd = smtpSessionFromRequest(
        request({{"protocol_state", "MAIL"}, {"client_address", "192.0.2.1"}, {"size", "12x"}}));
    ASSERT_TRUE(odd.ok());
    EXPECT_EQ(odd->message_size, 0u);
}

TEST(PolicyAction, PostfixActionsForEachOutcome) {
    CheckOutcome accepted;
    EXPECT_EQ(policyReplyFor(accepted, "", false).action, "DUNNO");
    EXPECT_EQ(policyReplyFor(accepted, "X-Mailgate-Policy: v=1", false).action,
              "PREPEND X-Mailgate-Policy: v=1");
    CheckOutcome rejected;
    rejected.reply = rejectReply("5.7.1", "Access denied", 554);
    EXPECT_EQ(policyReplyFor(rejected, "X-H: ignored", false).action, "554 5.7.1 Access denied");
    EXPECT_EQ(policyReplyFor(rejected, "", true).action,
              "WARN mailgate would answer: 554 5.7.1 Access denied");
    CheckOutcome greylisted;
    greylisted.reply = temporaryFailureReply("4.7.1", "Greylisted", 450);
    greylisted.reply->unless_rejected = true;
    EXPECT_EQ(policyReplyFor(greylisted, "", false).action, "DEFER_IF_PERMIT Greylisted");
    greylisted.reply->unless_rejected = false;
    EXPECT_EQ(policyReplyFor(greylisted, "", false).action, "450 4.7.1 Greylisted");
    PolicyReply hostile{"REJECT line one\r\naction=OK"};
    EXPECT_EQ(hostile.serialize(), "action=REJECT line one  action=OK\n\n");
}

TEST(SmtpStagePolicy, TrustedClientsAreMarkedAndSkipGreylisting) {
    auto store = std::make_shared<ScriptedGreylistStore>();
    StaticDnsLookup dns;
    SmtpStagePolicy policy(gatewayConfig(), servicesWith(dns, store));
    auto session = rcptFrom("127.0.0.1", "victim@elsewhere.test");
    auto verdict = evaluate(policy, session);
    EXPECT_TRUE(session->trusted_network);
    EXPECT_FALSE(verdict.merged.reply);  // trusted clients may relay
    ASSERT_TRUE(greylistOf(verdict));
    EXPECT_EQ(greylistOf(verdict)->logField("greylist_detail"), "trusted network");
    EXPECT_TRUE(store->asked.empty());
}

TEST(SmtpStagePolicy, RejectedMailIsNotGreylisted) {
    auto store = std::make_shared<ScriptedGreylistStore>();
    StaticDnsLookup dns;
    SmtpStagePolicy policy(gatewayConfig(), servicesWith(dns, store));
    auto verdict = evaluate(policy, rcptFrom("192.0.2.9", "victim@elsewhere.test"));
    ASSERT_TRUE(verdict.merged.rejects());
    EXPECT_EQ(verdict.merged.reply->code, 554);
    EXPECT_FALSE(greylistOf(verdict));
    EXPECT_TRUE(store->asked.empty());

    store->answer({GreylistStatus::New, 300, 0});
    auto deferred = evaluate(policy, rcptFrom("192.0.2.9", "bob@example.test"));
    ASSERT_TRUE(deferred.merged.defers());
    EXPECT_EQ(deferred.merged.reply->code, 450);
    EXPECT_EQ(store->asked.size(), 1u);
    EXPECT_EQ(policy.checkNames(), (std::vector<std::string>{"relay", "greylist"}));
}

TEST(SmtpStagePolicy, ChecksRunOnlyAtTheStagesTheyJudge) {
    auto store = std::make_shared<ScriptedGreylistStore>();
    StaticDnsLookup dns;
    SmtpStagePolicy policy(gatewayConfig(), servicesWith(dns, store));
    auto connect = rcptFrom("192.0.2.9", "victim@elsewhere.test");
    connect->stage = SmtpStage::Connect;
    auto verdict = evaluate(policy, connect);
    EXPECT_TRUE(verdict.filters.checks.empty());  // relay judges RCPT only
    EXPECT_FALSE(greylistOf(verdict));
    EXPECT_FALSE(verdict.merged.reply);
}

TEST(SmtpStagePolicy, AnswersByTheDeadlineWhenDnsIsSilent) {
    Config config = gatewayConfig();
    config.greylist.enabled = false;
    config.dnsbl.enabled = true;
    config.dnsbl.zones = {"BL:bl.test"};
    config.dnsbl.timeout_ms = 60000;
    config.client_checks.ptr_action = ClientCheckAction::Reject;
    config.client_checks.on_dns_failure = ClientCheckDnsFailure::Tempfail;
    StaticDnsLookup dns;
    SmtpStagePolicy policy(config, servicesWith(dns, nullptr));
    dns.neverAnswer("9.2.0.192.bl.test");
    dns.neverAnswer("9.2.0.192.in-addr.arpa");
    auto verdict = evaluate(policy, rcptFrom("192.0.2.9", "bob@example.test"), 30);
    ASSERT_EQ(verdict.filters.checks.size(), 3u);  // relay, ptr, dnsbl
    EXPECT_TRUE(verdict.filters.checks[0].finished);
    EXPECT_FALSE(verdict.filters.checks[1].finished);
    EXPECT_FALSE(verdict.filters.checks[2].finished);
    // The PTR check rejects when it can, so its fallback defers; DNSBL never defers.
    ASSERT_TRUE(verdict.merged.defers());
    EXPECT_EQ(verdict.merged.reply->code, 451);
    EXPECT_NE(verdict.merged.dependency_failure.find("dnsbl: DNSBL lookups not finished"),
              std::string::npos)
        << verdict.merged.dependency_failure;
}

TEST(SmtpStagePolicy, SlowDnsCannotEatGreylistingsShareOfTheDeadline) {
    Config config = gatewayConfig();
    config.dnsbl.enabled = true;
    config.dnsbl.zones = {"BL:bl.test"};
    config.dnsbl.timeout_ms = 60000;
    auto store = std::make_shared<ScriptedGreylistStore>();
    store->bound = std::chrono::milliseconds(40);
    store->answer({GreylistStatus::New, 300, 0});
    StaticDnsLookup dns;
    SmtpStagePolicy policy(config, servicesWith(dns, store));
    dns.neverAnswer("9.2.0.192.bl.test");
    auto verdict = evaluate(policy, rcptFrom("192.0.2.9", "bob@example.test"), 300);
    ASSERT_EQ(verdict.filters.checks.size(), 2u);  // relay, dnsbl
    EXPECT_FALSE(verdict.filters.checks[1].finished);
    ASSERT_TRUE(greylistOf(verdict));
    EXPECT_EQ(greylistOf(verdict)->logField("greylist"), "new");  // still asked, still deferred
    ASSERT_TRUE(verdict.merged.defers());
    EXPECT_EQ(verdict.merged.reply->code, 450);
}
