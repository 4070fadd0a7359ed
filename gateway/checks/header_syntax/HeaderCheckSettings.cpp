// The [header_checks] settings (B4, docs/features.md; fields in Config.hpp, the check in
// HeaderSyntaxCheck): which header syntax findings score how much, and whether they
// reject. docs/content-checks.md explains them.
#include "gateway/config/SettingBuilders.hpp"

namespace mailgate {
namespace {

using C = Config;

SettingSpec headerScore(std::string name, double HeaderCheckSettings::*field, double fallback,
                        std::string description) {
    return numberSetting("header_checks." + std::move(name), &C::header_checks, field, fallback,
                         -100.0, 100.0, std::move(description));
}

}  // namespace

void appendHeaderCheckSettings(std::vector<SettingSpec>& specs) {
    using H = HeaderCheckSettings;
    specs.push_back(choiceSetting(
        "header_checks.action", &C::header_checks, &H::action,
        {{"off", ClientCheckAction::Off},
         {"score", ClientCheckAction::Score},
         {"reject", ClientCheckAction::Reject}},
        "score",
        "The header syntax check: off; score (add its symbols); or reject (550 5.7.1) a message "
        "whose Sender, From, Reply-To, To, Cc or Bcc does not parse as RFC 5322 addresses, or "
        "whose From is missing or doubled. Missing or doubled Date and Message-ID only score."));
    specs.push_back(headerScore("score_invalid_address", &H::score_invalid_address, 3.0,
                                "Score of HEADER_<NAME>_INVALID (an address header that does not "
                                "parse)."));
    specs.push_back(
        headerScore("score_missing_from", &H::score_missing_from, 2.0, "Score of MISSING_FROM."));
    specs.push_back(headerScore("score_duplicate_from", &H::score_duplicate_from, 3.0,
                                "Score of DUPLICATE_FROM (two From fields)."));
    specs.push_back(
        headerScore("score_missing_date", &H::score_missing_date, 1.0, "Score of MISSING_DATE."));
    specs.push_back(headerScore("score_missing_message_id", &H::score_missing_message_id, 0.5,
                                "Score of MISSING_MESSAGE_ID."));
    specs.push_back(headerScore("score_duplicate_header", &H::score_duplicate_header, 1.0,
                                "Score of DUPLICATE_<NAME> for the other fields RFC 5322 allows "
                                "once (Date, Sender, Reply-To, To, Cc, Bcc, Message-ID, "
                                "In-Reply-To, References, Subject)."));
}

}  // namespace mailgate
