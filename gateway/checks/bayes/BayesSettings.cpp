// The [bayes] settings (C10, docs/features.md; fields in Config.hpp, the filter in
// gateway/checks/bayes/): when the statistical filter speaks, what it reads of a message
// and how long its tokens live in Redis. docs/bayes.md.
#include "gateway/config/SettingBuilders.hpp"

namespace mailgate {

void appendBayesSettings(std::vector<SettingSpec>& specs) {
    using C = Config;
    using B = BayesSettings;
    specs.push_back(booleanSetting("bayes.enabled", &C::bayes, &B::enabled, true,
                                   "Classify each message with the statistical filter kept in "
                                   "Redis. It says nothing until bayes.min_learned spam and "
                                   "as many ham have been learned (mailgatectl learn)."));
    specs.push_back(integerSetting("bayes.min_learned", &C::bayes, &B::min_learned, 200, 1, 1000000,
                                   "Spam messages, and ham messages, to learn before the "
                                   "filter's verdict counts (rspamd and SpamAssassin use 200)."));
    specs.push_back(booleanSetting("bayes.word_pairs", &C::bayes, &B::word_pairs, false,
                                   "Also learn pairs of nearby words, not only single words "
                                   "(about 3x the tokens per message; no better on the "
                                   "SpamAssassin corpus's training groups, docs/PERFORMANCE.md)."));
    specs.push_back(integerSetting("bayes.max_tokens", &C::bayes, &B::max_tokens, 3000, 100, 100000,
                                   "Distinct tokens read from one message, at most."));
    specs.push_back(integerSetting("bayes.max_text_bytes", &C::bayes, &B::max_text_bytes, 65536,
                                   1024, 16777216,
                                   "Bytes of body text read from one message, over all parts."));
    specs.push_back(integerSetting("bayes.token_expire_after_s", &C::bayes,
                                   &B::token_expire_after_s, std::int64_t{180} * 86400, 86400,
                                   std::int64_t{10} * 365 * 86400,
                                   "A token is forgotten after this long without a learned "
                                   "message that has it (180 days)."));
    specs.push_back(booleanSetting(
        "bayes.per_recipient", &C::bayes, &B::per_recipient, false,
        "Also keep a store per recipient, taught with mailgatectl learn --recipient ADDRESS: "
        "a recipient whose own store has learned bayes.min_learned spam and ham is judged by "
        "it, the others by the global store. Reads one more store per recipient (the first "
        "8 of a message); autolearning still teaches the global store."));
    specs.push_back(booleanSetting(
        "bayes.autolearn", &C::bayes, &B::autolearn, false,
        "Learn from the mail passing through: as spam when the other checks are sure it is "
        "spam, as ham when they find nothing against it. The score it goes by leaves out "
        "the filter itself, the auto-whitelist, the lists and the rules; whitelisted mail "
        "and mail a list or rule decided is never learned. Off: it learns only what "
        "mailgatectl learn (or the quarantine) teaches it."));
    specs.push_back(numberSetting("bayes.autolearn_spam_at_least", &C::bayes,
                                  &B::autolearn_spam_at_least, 12.0, -1000.0, 1000.0,
                                  "Autolearn as spam at or above this score (see "
                                  "bayes.autolearn for what the score leaves out)."));
    specs.push_back(numberSetting("bayes.autolearn_ham_below", &C::bayes, &B::autolearn_ham_below,
                                  0.1, -1000.0, 1000.0, "Autolearn as ham below this score."));
    specs.push_back(numberSetting(
        "bayes.autolearn_max_ratio", &C::bayes, &B::autolearn_max_ratio, 3.0, 1.0, 1000.0,
        "The balance guard: a class is not autolearned while it has more than this many times "
        "the other class's learned messages (the other counted as at least bayes.min_learned), "
        "so a stream of one kind cannot run the filter away."));
}

}  // namespace mailgate
