// The [spf] settings (see SettingBuilders.hpp; the fields are in Config.hpp): which SPF
// results reject, their scores, whom SPF is not asked about, and the explanation text.
#include "gateway/config/SettingBuilders.hpp"
#include "gateway/net/IpAddress.hpp"
#include "gateway/spf/SpfMacro.hpp"

namespace mailgate {
namespace {

std::optional<std::string> checkResultName(const std::string& text) {
    static const std::vector<std::string> kNames = {"pass", "fail",      "softfail", "neutral",
                                                    "none", "permerror", "temperror"};
    if (std::find(kNames.begin(), kNames.end(), text) == kNames.end()) {
        return "\"" + text +
               "\" is not an SPF result (pass, fail, softfail, neutral, none, permerror, "
               "temperror)";
    }
    if (text == "temperror") {
        return "temperror cannot reject (a DNS failure never rejects mail); set "
               "spf.temperror_action = \"tempfail\" instead";
    }
    return std::nullopt;
}

std::optional<std::string> checkNetwork(const std::string& text) {
    auto network = IpNetwork::parse(text);
    return network ? std::nullopt : std::optional<std::string>(network.error());
}

std::optional<std::string> checkExplanation(const std::string& text) {
    auto checked = checkSpfMacroText(text, SpfMacroUse::Explanation);
    return checked ? std::nullopt
                   : std::optional<std::string>("invalid SPF macro text: " + checked.error());
}

SettingSpec score(const char* key, double SpfSettings::*field, double fallback,
                  const char* description) {
    return numberSetting(key, &Config::spf, field, fallback, -100.0, 100.0, description);
}

}  // namespace

void appendSpfSettings(std::vector<SettingSpec>& specs) {
    using S = SpfSettings;
    specs.push_back(booleanSetting("spf.enabled", &Config::spf, &S::enabled, true,
                                   "Check the sender's SPF record (RFC 7208) at MAIL FROM/RCPT and "
                                   "add a Received-SPF header (through the milter: it needs "
                                   "policy_header.secret, like the scores below)."));
    specs.push_back(validated(
        stringListSetting("spf.reject_results", &Config::spf, &S::reject_results, {"fail"},
                          "SPF results that reject the mail at RCPT (550 5.7.23, or 5.7.24 for "
                          "permerror) instead of only scoring it. temperror is not allowed here."),
        checkResultName));
    specs.push_back(choiceSetting(
        "spf.temperror_action", &Config::spf, &S::temperror_action,
        {{"dunno", std::string("dunno")}, {"tempfail", std::string("tempfail")}}, "dunno",
        "When the SPF check cannot finish for a DNS failure: dunno lets the mail go on (with "
        "spf.score_temperror), tempfail answers 451 4.7.24 so the sender retries."));
    specs.push_back(score("spf.score_pass", &S::score_pass, -0.5,
                          "Score added when SPF passes (negative: less likely spam)."));
    specs.push_back(score("spf.score_fail", &S::score_fail, 5.0,
                          "Score added for SPF fail (when fail does not reject)."));
    specs.push_back(
        score("spf.score_softfail", &S::score_softfail, 2.0, "Score added for SPF softfail."));
    specs.push_back(
        score("spf.score_neutral", &S::score_neutral, 0.5, "Score added for SPF neutral."));
    specs.push_back(score("spf.score_none", &S::score_none, 0.5,
                          "Score added when the sender domain publishes no SPF record."));
    specs.push_back(score("spf.score_permerror", &S::score_permerror, 1.0,
                          "Score added when the sender domain's SPF record is malformed."));
    specs.push_back(score("spf.score_temperror", &S::score_temperror, 0.0,
                          "Score added when DNS failed during the SPF check."));
    specs.push_back(booleanSetting("spf.skip_authenticated", &Config::spf, &S::skip_authenticated,
                                   true, "Do not check SPF for SASL-authenticated clients."));
    specs.push_back(booleanSetting("spf.skip_trusted_networks", &Config::spf,
                                   &S::skip_trusted_networks, true,
                                   "Do not check SPF for clients in the trusted networks."));
    specs.push_back(validated(
        stringListSetting("spf.own_mx_hosts", &Config::spf, &S::own_mx_hosts, {},
                          "Addresses or CIDR networks of our own MX hosts (backup MX relays): mail "
                          "they relay to us is not SPF-checked, since their address is not the "
                          "sender's."),
        checkNetwork));
    specs.push_back(stringSetting("spf.receiver", &Config::spf, &S::receiver, "",
                                  "Our name in Received-SPF headers and %{r}; empty means this "
                                  "host's name."));
    specs.push_back(validated(
        stringSetting("spf.default_explanation", &Config::spf, &S::default_explanation,
                      "%{c} is not one of %{d}'s designated mail servers",
                      "Explanation for SPF fail when the domain gives none (exp=), in the SPF "
                      "macro language (RFC 7208 7)."),
        checkExplanation));
}

}  // namespace mailgate
