// The [scoring] settings (C7, C8, docs/features.md; fields in Config.hpp, the scorer in
// gateway/engine/Scorer): when a message is spam, what happens to spam, the thresholds
// above that, the Subject tag, the SpamAssassin-style headers, and weights that override
// any symbol's score.
#include <cctype>
#include <cstdlib>

#include "gateway/config/SettingBuilders.hpp"

namespace mailgate {
namespace {

using C = Config;
using S = ScoringSettings;

std::optional<std::string> checkWeight(const std::string& text) {
    auto equals = text.find('=');
    if (equals == std::string::npos || equals == 0) {
        return "\"" + text.substr(0, 64) + "\" is not NAME=SCORE";
    }
    for (char c : text.substr(0, equals)) {
        if (!(std::isupper(static_cast<unsigned char>(c)) ||
              std::isdigit(static_cast<unsigned char>(c)) || c == '_')) {
            return "symbol names are upper case letters, digits and _: \"" +
                   text.substr(0, equals).substr(0, 64) + "\"";
        }
    }
    std::string number = text.substr(equals + 1);
    char* end = nullptr;
    double value = std::strtod(number.c_str(), &end);
    if (number.empty() || *end != '\0' || value < -1000 || value > 1000) {
        return "\"" + number.substr(0, 32) + "\" is not a score between -1000 and 1000";
    }
    return std::nullopt;
}

SettingSpec threshold(std::string name, double S::*field, double fallback,
                      std::string description) {
    return numberSetting("scoring." + std::move(name), &C::scoring, field, fallback, 0.0, 1000.0,
                         std::move(description));
}

}  // namespace

void appendScoringSettings(std::vector<SettingSpec>& specs) {
    specs.push_back(threshold("spam_threshold", &S::spam_threshold, 5.0,
                              "A message scoring at least this is spam (X-Spam-Flag: YES, "
                              "X-Spam-Status: Yes) and gets scoring.spam_action."));
    specs.push_back(choiceSetting(
        "scoring.spam_action", &C::scoring, &S::spam_action,
        {{"tag", SpamAction::Tag},
         {"quarantine", SpamAction::Quarantine},
         {"delete", SpamAction::Delete},
         {"reject", SpamAction::Reject}},
        "tag",
        "What happens to spam: tag (deliver with the headers and Subject tag), quarantine (held "
        "in the quarantine spool for review, docs/quarantine.md), delete (accept and discard), "
        "reject (550 5.7.1 at end of DATA)."));
    specs.push_back(threshold("quarantine_threshold", &S::quarantine_threshold, 0.0,
                              "0: off. A message scoring at least this is quarantined whatever "
                              "spam_action says (between spam_threshold and reject_threshold)."));
    specs.push_back(threshold("reject_threshold", &S::reject_threshold, 0.0,
                              "0: off. A message scoring at least this is rejected at end of "
                              "DATA (550 5.7.1) whatever spam_action says."));
    specs.push_back(stringSetting(
        "scoring.subject_tag", &C::scoring, &S::subject_tag, "",
        "Put in front of the Subject of spam that comes in from outside (not from "
        "authenticated clients or trusted networks), for example \"---spam---\". Empty: the "
        "Subject is left alone. Changing the Subject breaks DKIM signatures downstream."));
    specs.push_back(booleanSetting("scoring.subject_score_tag", &C::scoring, &S::subject_score_tag,
                                   false,
                                   "Also put the score, \"[7.3]\", in front of a spam Subject."));
    specs.push_back(booleanSetting(
        "scoring.spam_headers", &C::scoring, &S::spam_headers, true,
        "Add X-Spam-Flag (spam only), X-Spam-Score, X-Spam-Level and X-Spam-Status, as "
        "SpamAssassin writes them, so users' existing mail client filters work. Copies that "
        "arrive from outside are always removed."));
    specs.push_back(validated(
        stringListSetting("scoring.symbol_weights", &C::scoring, &S::symbol_weights, {},
                          "Scores that replace a symbol's own, as \"NAME=SCORE\": "
                          "[\"DNSBL_ZEN=4.5\", \"MISSING_MESSAGE_ID=0\"]. Applies to the policy "
                          "stage's symbols too."),
        checkWeight));
    specs.push_back(validated(
        stringListSetting(
            "scoring.symbol_weights_without_bayes", &C::scoring, &S::symbol_weights_without_bayes,
            {},
            "Scores for a message the statistical filter has no opinion on (no BAYES_SPAM_*, "
            "BAYES_HAM_* or BAYES_UNSURE symbol: Bayes off, not trained enough, or its store "
            "down), as \"NAME=SCORE\". A symbol named here takes this score for such "
            "messages instead of its symbol_weights one; the others keep theirs. Without Bayes "
            "the other evidence must carry more weight, as SpamAssassin's score sets do; the "
            "example config ships weights fitted that way (bench/fit_weights.py)."),
        checkWeight));
}

}  // namespace mailgate
