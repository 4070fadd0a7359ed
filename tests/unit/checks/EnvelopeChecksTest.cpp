// Unit tests of the envelope checks without DNS: access lists (A9), anti-relay (A4),
// local senders (B1) and the recipient and size limits (A5), each at the stages it
// judges.
#include <gtest/gtest.h>

#include "gateway/checks/access/ClientAccessCheck.hpp"
#include "gateway/checks/limits/MessageLimitsCheck.hpp"
#include "gateway/checks/local_senders/LocalSenderCheck.hpp"
#include "gateway/checks/relay/RelayCheck.hpp"
#include "gateway/config/SettingSpec.hpp"

using namespace mailgate;

namespace {

SmtpSession session(const char* address, const char* name = "unknown") {
    SmtpSession facts;
    facts.client_address = *IpAddress::parse(address);
    facts.client_name = name;
    facts.sender = "someone@sender.test";
    facts.recipients = {"bob@example.test"};
    return facts;
}

std::shared_ptr<const RelayDomains> relayDomains(bool subdomains = false) {
    RelaySettings settings = defaultConfig().relay;
    settings.domains = {"example.test", "Example.ORG."};
    settings.subdomains = subdomains;
    return std::make_shared<const RelayDomains>(settings);
}

}  // namespace

TEST(ClientAccessCheck, BannedClientsAreRejectedEverywhere) {
    AccessSettings settings = defaultConfig().access;
    settings.banned_clients = {"203.0.113.*", "*.spam.test"};
    ClientAccessCheck check(settings);
    auto banned = check.judge(session("203.0.113.5"));
    ASSERT_TRUE(banned.rejects());
    EXPECT_EQ(banned.reply->toString(), "554 5.7.1 Access denied");
    EXPECT_EQ(banned.symbols.at(0).name, "ACCESS_BANNED");
    EXPECT_TRUE(check.judge(session("192.0.2.1", "host.spam.test")).rejects());
    EXPECT_FALSE(check.judge(session("192.0.2.1", "spam.test")).rejects());
    EXPECT_TRUE(check.appliesAt(SmtpStage::Connect));
    EXPECT_TRUE(check.appliesAt(SmtpStage::Etrn));
}

TEST(ClientAccessCheck, AnAllowListAdmitsOnlyItsClients) {
    AccessSettings settings = defaultConfig().access;
    settings.allowed_clients = {"198.51.100.0/24"};
    settings.reject_text = "Only our ISP's relay may send here";
    ClientAccessCheck check(settings);
    EXPECT_FALSE(check.judge(session("198.51.100.20")).reply);
    auto other = check.judge(session("192.0.2.1"));
    ASSERT_TRUE(other.rejects());
    EXPECT_EQ(other.reply->text, "Only our ISP's relay may send here");
}

TEST(RelayCheck, OnlyTrustedOrAuthenticatedClientsRelay) {
    RelayCheck check(relayDomains());
    EXPECT_FALSE(check.judge(session("192.0.2.1")).reply);  // bob@example.test is ours
    auto foreign = session("192.0.2.1");
    foreign.recipients = {"victim@elsewhere.test"};
    auto denied = check.judge(foreign);
    ASSERT_TRUE(denied.rejects());
    EXPECT_EQ(denied.reply->toString(), "554 5.7.1 Relay access denied");
    foreign.trusted_network = true;
    EXPECT_FALSE(check.judge(foreign).reply);
    foreign.trusted_network = false;
    foreign.authenticated_user = "alice";
    EXPECT_FALSE(check.judge(foreign).reply);
    auto upper = session("192.0.2.1");
    upper.recipients = {"Bob@EXAMPLE.org"};
    EXPECT_FALSE(check.judge(upper).reply);
    EXPECT_FALSE(check.appliesAt(SmtpStage::Mail));
    EXPECT_TRUE(check.appliesAt(SmtpStage::Rcpt));
}

TEST(RelayCheck, SubdomainsOnlyWhenConfigured) {
    auto sub = session("192.0.2.1");
    sub.recipients = {"bob@branch.example.test"};
    EXPECT_TRUE(RelayCheck(relayDomains(false)).judge(sub).rejects());
    EXPECT_FALSE(RelayCheck(relayDomains(true)).judge(sub).reply);
    auto local = session("192.0.2.1");
    local.recipients = {"postmaster"};  // no domain: local mail, not relaying
    EXPECT_FALSE(RelayCheck(relayDomains()).judge(local).reply);
}

TEST(RelayDomains, TrustedNetworks) {
    RelaySettings settings = defaultConfig().relay;
    RelayDomains domains(settings);
    EXPECT_TRUE(domains.isTrustedClient(*IpAddress::parse("127.0.0.1")));
    EXPECT_TRUE(domains.isTrustedClient(*IpAddress::parse("::1")));
    EXPECT_FALSE(domains.isTrustedClient(*IpAddress::parse("192.0.2.1")));
}

TEST(LocalSenderCheck, SendersInOurDomainsMustBeKnown) {
    LocalSenderSettings settings = defaultConfig().local_senders;
    settings.enabled = true;
    settings.addresses = {"Alice@Example.test"};
    LocalSenderCheck check(settings, relayDomains());
    auto known = session("192.0.2.1");
    known.sender = "alice@example.TEST";
    EXPECT_FALSE(check.judge(known).reply);
    known.sender = "alice+lists@example.test";
    EXPECT_FALSE(check.judge(known).reply);
    auto forged = session("192.0.2.1");
    forged.sender = "ceo@example.test";
    auto rejected = check.judge(forged);
    ASSERT_TRUE(rejected.rejects());
    EXPECT_EQ(rejected.reply->toString(),
              "553 5.7.1 Sender <ceo@example.test> is not a known user of example.test");
    forged.trusted_network = true;
    EXPECT_FALSE(check.judge(forged).reply);
    auto outsider = session("192.0.2.1");  // someone@sender.test is not ours to judge
    EXPECT_FALSE(check.judge(outsider).reply);
    auto bounce = session("192.0.2.1");
    bounce.sender = "";
    EXPECT_FALSE(check.judge(bounce).reply);
}

TEST(MessageLimitsCheck, RecipientsAndSizeAtTheirStages) {
    LimitSettings settings;
    settings.max_recipients = 2;
    settings.max_message_size = 1000;
    MessageLimitsCheck check(settings);
    auto facts = session("192.0.2.1");
    facts.stage = SmtpStage::Rcpt;
    facts.recipient_count = 1;
    EXPECT_FALSE(check.judge(facts).reply);
    facts.recipient_count = 2;
    auto third = check.judge(facts);
    ASSERT_TRUE(third.defers());
    EXPECT_EQ(third.reply->toString(), "452 4.5.3 Too many recipients");

    facts.stage = SmtpStage::Data;
    facts.recipient_count = 3;
    EXPECT_EQ(check.judge(facts).reply->toString(), "550 5.5.3 Too many recipients");
    facts.recipient_count = 2;
    EXPECT_FALSE(check.judge(facts).reply);

    facts.stage = SmtpStage::Mail;
    facts.message_size = 1001;
    EXPECT_EQ(check.judge(facts).reply->toString(),
              "552 5.3.4 Message size exceeds the limit of 1000 bytes");
    facts.stage = SmtpStage::EndOfMessage;
    EXPECT_TRUE(check.judge(facts).rejects());
    facts.stage = SmtpStage::Rcpt;  // the size declared with MAIL FROM SIZE=
    facts.recipient_count = 0;
    EXPECT_TRUE(check.judge(facts).rejects());
    facts.message_size = 0;  // none declared
    EXPECT_FALSE(check.judge(facts).reply);
    EXPECT_FALSE(check.appliesAt(SmtpStage::Connect));
}
