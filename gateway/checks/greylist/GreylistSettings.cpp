// The [greylist] settings (C14, docs/features.md; fields in Config.hpp, the check in
// gateway/checks/greylist/): timing, the triplet's shape, whitelists (in the config and in
// postgrey-format files), the deferral and what happens when Redis is down.
// docs/greylisting.md explains them for operators.
#include "gateway/checks/greylist/GreylistWhitelist.hpp"
#include "gateway/config/SettingBuilders.hpp"
#include "gateway/net/ClientPattern.hpp"

namespace mailgate {
namespace {

using C = Config;
using S = GreylistSettings;

std::optional<std::string> checkSenderDomain(const std::string& text) {
    if (text.empty() || text.find_first_of(" \t@<>,;") != std::string::npos) {
        return "not a domain: \"" + text.substr(0, 64) + "\"";
    }
    return std::nullopt;
}

SettingSpec seconds(std::string name, std::int64_t S::*field, std::int64_t fallback,
                    std::int64_t minimum, std::string description) {
    return integerSetting("greylist." + std::move(name), &C::greylist, field, fallback, minimum,
                          std::int64_t{10} * 365 * 86400, std::move(description));
}

}  // namespace

std::optional<std::string> checkRecipientPatternEntry(const std::string& text) {
    auto parsed = RecipientPattern::parse(text);
    return parsed ? std::nullopt
                  : std::optional<std::string>("\"" + text + "\": " + parsed.error());
}

void appendGreylistSettings(std::vector<SettingSpec>& specs) {
    specs.push_back(booleanSetting("greylist.enabled", &C::greylist, &S::enabled, false,
                                   "Greylist at RCPT: defer the first attempt of every new "
                                   "(client network, sender, recipient) triplet."));
    specs.push_back(
        seconds("delay_s", &S::delay_s, 300, 1,
                "How long a new triplet is deferred; the first retry after it passes."));
    specs.push_back(seconds("retry_window_s", &S::retry_window_s, 172800, 1,
                            "How long after the first attempt a retry is still recognised (2 "
                            "days); later, the triplet starts over."));
    specs.push_back(seconds("pass_lifetime_s", &S::pass_lifetime_s, 3024000, 1,
                            "How long a passed triplet, and an origin's delivery count, are kept "
                            "after their last delivery (35 days)."));
    specs.push_back(integerSetting(
        "greylist.origin_whitelist_after", &C::greylist, &S::origin_whitelist_after, 5, 0, 1000000,
        "Deliveries after which a client network (or SPF domain), the triplet's origin, is "
        "whitelisted: its mail passes at once (postgrey's --auto-whitelist-clients). 0: off. "
        "Formerly greylist.auto_whitelist_after, which still works."));
    specs.push_back(seconds("origin_whitelist_interval_s", &S::origin_whitelist_interval_s, 3600, 0,
                            "At most one delivery per this interval counts towards the origin's "
                            "whitelisting (postgrey: one per hour). Formerly "
                            "greylist.auto_whitelist_interval_s."));
    specs.push_back(integerSetting("greylist.ipv4_prefix", &C::greylist, &S::ipv4_prefix, 24, 8, 32,
                                   "Client IPv4 addresses in one network of this prefix length "
                                   "count as one client."));
    specs.push_back(integerSetting("greylist.ipv6_prefix", &C::greylist, &S::ipv6_prefix, 64, 16,
                                   128, "The same for IPv6."));
    specs.push_back(booleanSetting(
        "greylist.key_on_spf_domain", &C::greylist, &S::key_on_spf_domain, false,
        "When SPF passes for the sender domain (spf.enabled), key the triplet on that domain "
        "instead of the client network, so a big sender's retry from another address of its "
        "pool passes."));
    specs.push_back(validated(
        stringListSetting("greylist.whitelist_clients", &C::greylist, &S::whitelist_clients, {},
                          "Clients never greylisted: addresses, CIDR, IP prefixes "
                          "(\"195.235.39\"), host names with subdomains, \"*.name\", /regexp/."),
        checkClientPatternEntry));
    specs.push_back(stringSetting(
        "greylist.whitelist_clients_file", &C::greylist, &S::whitelist_clients_file, "",
        "A file of more client entries in postgrey's whitelist_clients format (one per line, # "
        "comments), relative to this config file's directory; read at start and on reload."));
    specs.push_back(validated(
        stringListSetting("greylist.whitelist_recipients", &C::greylist, &S::whitelist_recipients,
                          {"postmaster@", "abuse@"},
                          "Recipients never greylisted: \"domain\" (and subdomains), \"name@\", "
                          "\"name@domain\", /regexp/ (postgrey's syntax)."),
        checkRecipientPatternEntry));
    specs.push_back(stringSetting(
        "greylist.whitelist_recipients_file", &C::greylist, &S::whitelist_recipients_file, "",
        "A file of more recipient entries, postgrey's whitelist_recipients format."));
    specs.push_back(validated(
        stringListSetting("greylist.whitelist_sender_domains", &C::greylist,
                          &S::whitelist_sender_domains, {},
                          "Sender domains (and their subdomains) never greylisted. Senders are "
                          "easy to forge: prefer client entries."),
        checkSenderDomain));
    specs.push_back(choiceSetting(
        "greylist.action", &C::greylist, &S::action,
        {{"defer_if_permit", GreylistAction::DeferIfPermit}, {"defer", GreylistAction::Defer}},
        "defer_if_permit",
        "defer_if_permit: 450 4.7.1 unless a later restriction rejects the mail anyway "
        "(postgrey's default); defer: always 450 4.7.1."));
    specs.push_back(stringSetting("greylist.reply_text", &C::greylist, &S::reply_text,
                                  "Greylisted, please try again in %s seconds",
                                  "Text of the deferral; %s is the seconds left, %r the "
                                  "recipient's domain."));
    specs.push_back(booleanSetting(
        "greylist.add_header", &C::greylist, &S::add_header, true,
        "Add \"X-Greylist: delayed N seconds by mailgate-VERSION at HOST; DATE\" to the "
        "message that passed after its delay. It reaches the message through the milter, so it "
        "needs policy_header.secret (docs/policy-stage-scores.md)."));
    specs.push_back(choiceSetting(
        "greylist.on_redis_failure", &C::greylist, &S::on_redis_failure,
        {{"dunno", GreylistFailurePolicy::Dunno}, {"tempfail", GreylistFailurePolicy::Tempfail}},
        "dunno",
        "When Redis does not answer: dunno lets the mail on ungreylisted (logged and counted); "
        "tempfail defers it with 451 4.3.0."));
}

}  // namespace mailgate
