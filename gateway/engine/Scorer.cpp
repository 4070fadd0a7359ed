// The verdict from the symbols (see Scorer.hpp).
#include "gateway/engine/Scorer.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace mailgate {

const char* verdictActionName(VerdictAction action) {
    switch (action) {
        case VerdictAction::Accept:
            return "accept";
        case VerdictAction::Delete:
            return "delete";
        case VerdictAction::Reject:
            return "reject";
        case VerdictAction::Tempfail:
            return "tempfail";
        case VerdictAction::Quarantine:
            return "quarantine";
    }
    return "accept";
}

std::string formatSpamScore(double score) {
    char text[32];
    std::snprintf(text, sizeof text, "%.1f", std::abs(score) < 0.05 ? 0.0 : score);
    return text;
}

namespace {

std::map<std::string, double> weightsOf(const std::vector<std::string>& entries) {
    std::map<std::string, double> weights;
    for (const auto& entry : entries) {
        auto equals = entry.find('=');
        if (equals != std::string::npos) {
            weights[entry.substr(0, equals)] = std::strtod(entry.c_str() + equals + 1, nullptr);
        }
    }
    return weights;
}

bool startsWith(const std::string& text, std::string_view prefix) {
    return text.compare(0, prefix.size(), prefix) == 0;
}

}  // namespace

bool hasBayesOpinion(const std::vector<Symbol>& symbols) {
    for (const auto& symbol : symbols) {
        if (startsWith(symbol.name, "BAYES_SPAM_") || startsWith(symbol.name, "BAYES_HAM_") ||
            symbol.name == "BAYES_UNSURE") {
            return true;
        }
    }
    return false;
}

Scorer::Scorer(const ScoringSettings& settings)
    : settings_(settings),
      weights_(weightsOf(settings.symbol_weights)),
      weights_without_bayes_(weightsOf(settings.symbol_weights_without_bayes)) {}

const double* Scorer::weightOf(const std::string& name, bool withoutBayes) const {
    if (withoutBayes) {
        if (auto weight = weights_without_bayes_.find(name);
            weight != weights_without_bayes_.end()) {
            return &weight->second;
        }
    }
    auto weight = weights_.find(name);
    return weight != weights_.end() ? &weight->second : nullptr;
}

void Scorer::addHeaders(Verdict& verdict, const std::string& classifiedBy) const {
    if (!settings_.spam_headers) {
        return;
    }
    std::vector<std::string> tests;
    for (const auto& symbol : verdict.symbols) {
        if (symbol.score != 0.0 || symbol.name == classifiedBy) {
            tests.push_back(symbol.name);
        }
    }
    std::sort(tests.begin(), tests.end());
    tests.erase(std::unique(tests.begin(), tests.end()), tests.end());
    std::string list;
    for (const auto& test : tests) {
        list += (list.empty() ? "" : ",") + test;
    }
    if (verdict.spam) {
        verdict.headers.push_back({"X-Spam-Flag", "YES"});
    }
    std::string score = formatSpamScore(verdict.score);
    verdict.headers.push_back({"X-Spam-Score", score});
    int stars = std::clamp(static_cast<int>(std::floor(verdict.score)), 0, 50);
    verdict.headers.push_back({"X-Spam-Level", std::string(static_cast<std::size_t>(stars), '*')});
    verdict.headers.push_back(
        {"X-Spam-Status", std::string(verdict.spam ? "Yes" : "No") + ", score=" + score +
                              " required=" + formatSpamScore(verdict.required) +
                              " tests=" + (list.empty() ? "none" : list) + " version=mailgate-" +
                              MAILGATE_VERSION});
}

double Scorer::weightedTotal(const std::vector<Symbol>& symbols) const {
    double total = 0;
    bool withoutBayes = !weights_without_bayes_.empty() && !hasBayesOpinion(symbols);
    for (const auto& symbol : symbols) {
        const double* weight = weightOf(symbol.name, withoutBayes);
        total += weight != nullptr ? *weight : symbol.score;
    }
    return total;
}

Verdict Scorer::decide(std::vector<Symbol> symbols, const std::optional<SmtpReply>& checkReply,
                       const std::optional<std::string>& currentSubject, bool inbound,
                       const Classification& classification) const {
    Verdict verdict;
    verdict.required = settings_.spam_threshold;
    bool withoutBayes = !weights_without_bayes_.empty() && !hasBayesOpinion(symbols);
    for (auto& symbol : symbols) {
        if (const double* weight = weightOf(symbol.name, withoutBayes)) {
            symbol.score = *weight;
        }
        verdict.score += symbol.score;
    }
    verdict.symbols = std::move(symbols);
    using Kind = Classification::Kind;
    verdict.spam = classification.kind == Kind::Spam || (classification.kind == Kind::ByScore &&
                                                         verdict.score >= settings_.spam_threshold);
    SpamAction spamAction = classification.action.value_or(settings_.spam_action);
    std::string score = formatSpamScore(verdict.score);
    if (classification.kind == Kind::Ham) {
        verdict.reason = "ham: " + classification.by;  // skips every anti-spam action
    } else if (checkReply && checkReply->kind == SmtpReply::Kind::Reject) {
        verdict.action = VerdictAction::Reject;
        verdict.reply = checkReply;
        verdict.reason = "a check rejects";
    } else if (checkReply && checkReply->kind == SmtpReply::Kind::TemporaryFailure) {
        verdict.action = VerdictAction::Tempfail;
        verdict.reply = checkReply;
        verdict.reason = "a check could not judge the message";
    } else if (settings_.reject_threshold > 0 && verdict.score >= settings_.reject_threshold) {
        verdict.action = VerdictAction::Reject;
        verdict.reply = rejectReply("5.7.1", "Message rejected as spam (score " + score + ")");
        verdict.reason = "score " + score + " >= reject_threshold";
    } else if (settings_.quarantine_threshold > 0 &&
               verdict.score >= settings_.quarantine_threshold) {
        verdict.action = VerdictAction::Quarantine;
        verdict.reason = "score " + score + " >= quarantine_threshold";
    } else if (verdict.spam && spamAction == SpamAction::Quarantine) {
        verdict.action = VerdictAction::Quarantine;
        verdict.reason = "spam, spam_action quarantine";
    } else if (verdict.spam && spamAction == SpamAction::Reject) {
        verdict.action = VerdictAction::Reject;
        verdict.reply = rejectReply("5.7.1", "Message rejected as spam (score " + score + ")");
        verdict.reason = "spam, spam_action reject";
    } else if (verdict.spam && spamAction == SpamAction::Delete) {
        verdict.action = VerdictAction::Delete;
        verdict.reason = "spam, spam_action delete";
    } else {
        verdict.reason = verdict.spam ? "spam, tagged" : "not spam";
    }
    if (classification.kind == Kind::Spam) {
        verdict.reason += " (" + classification.by + ")";
    }
    addHeaders(verdict, classification.symbol);
    if (verdict.action == VerdictAction::Accept) {
        tagSubject(verdict, currentSubject, inbound);
    }
    return verdict;
}

void Scorer::tagSubject(Verdict& verdict, const std::optional<std::string>& currentSubject,
                        bool inbound) const {
    bool tag = !settings_.subject_tag.empty() || settings_.subject_score_tag;
    if (!verdict.spam || !inbound || !tag) {
        return;
    }
    std::string prefix = settings_.subject_tag;
    if (settings_.subject_score_tag) {
        prefix += (prefix.empty() ? "" : " ") + ("[" + formatSpamScore(verdict.score) + "]");
    }
    verdict.subject =
        currentSubject && !currentSubject->empty() ? prefix + " " + *currentSubject : prefix;
}

Verdict Scorer::deliveredTagged(Verdict verdict, const std::optional<std::string>& currentSubject,
                                bool inbound) const {
    verdict.action = VerdictAction::Accept;
    verdict.reply.reset();
    verdict.reason += "; delivered marked as spam: it cannot be refused for one recipient";
    tagSubject(verdict, currentSubject, inbound);
    return verdict;
}

}  // namespace mailgate
