// The [limits] settings (A5, docs/features.md; fields in Config.hpp, the check in
// gateway/checks/limits/MessageLimitsCheck): recipients per message and message size.
#include "gateway/config/SettingBuilders.hpp"

namespace mailgate {

void appendLimitSettings(std::vector<SettingSpec>& specs) {
    using S = LimitSettings;
    specs.push_back(integerSetting(
        "limits.max_recipients", &Config::limits, &S::max_recipients, 0, 0, 1000000,
        "Most recipients in one message: the next RCPT gets 452 4.5.3 (the client sends the "
        "rest in another transaction); 0 means no limit."));
    specs.push_back(integerSetting(
        "limits.max_message_size", &Config::limits, &S::max_message_size, 0, 0,
        std::int64_t{1} << 40,
        "Largest message in bytes, judged on the SIZE= the client declares at MAIL and on the "
        "real size at END-OF-MESSAGE (552 5.3.4; needs mailgate in Postfix's "
        "smtpd_end_of_data_restrictions, docs/postfix-integration.md); 0 means no limit."));
}

}  // namespace mailgate
