// The [policy_header] settings: the secret that signs the X-Mailgate-Policy header in
// which the policy daemon hands its symbols and headers to the milter, and how old such
// a header may be. docs/policy-stage-scores.md explains why a sender cannot forge it.
#include "gateway/config/SettingBuilders.hpp"

namespace mailgate {
namespace {

std::optional<std::string> checkSecret(const std::string& text) {
    if (!text.empty() && text.size() < 16) {
        return "must be at least 16 characters (openssl rand -hex 32 makes a good one)";
    }
    return std::nullopt;
}

}  // namespace

void appendPolicyHeaderSettings(std::vector<SettingSpec>& specs) {
    using S = PolicyHeaderSettings;
    specs.push_back(validated(
        secret(stringSetting(
            "policy_header.secret", &Config::policy_header, &S::secret, "",
            "Shared by mailgate-policyd and mailgate-milter (the same config file): the key of "
            "the HMAC that signs X-Mailgate-Policy. Empty: the policy stage's scores and "
            "headers (Received-SPF, X-Greylist, X-Mailgate-DNSBL) are not passed on, so no "
            "\"from:\" whitelist entry finds an SPF pass. Never logged.")),
        checkSecret));
    specs.push_back(integerSetting("policy_header.max_age_s", &Config::policy_header, &S::max_age_s,
                                   3600, 10, 86400,
                                   "The milter ignores a signed header older than this."));
}

}  // namespace mailgate
