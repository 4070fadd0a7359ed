// RuleSet: the global rules of a config snapshot (C3, docs/features.md), compiled once: every
// condition's pattern goes into one RE2::Set per item it reads (literals quoted, case
// folded unless case_sensitive, anchored for equals, starts with, ends with), so matching
// all rules reads each value of each item once, whatever the number of rules, and no
// pattern can make matching slower than linear. RuleEvaluation then answers, for one
// message, which rules match for each recipient (Envelope-To is evaluated per recipient;
// everything else once). It decides nothing about the verdict: the content stage does.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/checks/rules/RuleFile.hpp"
#include "gateway/message/Message.hpp"

namespace re2 {
class RE2;
}

namespace mailgate {

struct RuleMatch {
    std::string rule;
    RuleClassification classification = RuleClassification::Spam;
    RuleAction action = RuleAction::SameAsSpamSetting;
};

class RuleSet {
  public:
    // The files were validated by the loader; a condition that does not compile is skipped.
    explicit RuleSet(const std::vector<RuleFile>& files);
    ~RuleSet();
    RuleSet(const RuleSet&) = delete;
    RuleSet& operator=(const RuleSet&) = delete;

    std::size_t size() const { return rules_.size(); }
    bool empty() const { return rules_.empty(); }

    struct Source;  // one item (and header name) and the set of its patterns
    struct Compiled;

  private:
    friend class RuleEvaluation;
    std::vector<std::unique_ptr<Source>> sources_;
    std::vector<std::unique_ptr<Compiled>> rules_;
};

// The matches of one message, with what does not depend on the recipient read once.
class RuleEvaluation {
  public:
    RuleEvaluation(const RuleSet& rules, const Message& message);
    ~RuleEvaluation();

    // Rules matching for this recipient, in file order. An empty recipient evaluates
    // Envelope-To against all of the message's recipients.
    std::vector<RuleMatch> matchesFor(std::string_view recipient) const;

  private:
    struct SourceState;
    static std::unique_ptr<SourceState> matchValues(const RuleSet::Source& source,
                                                    const std::vector<std::string>& values);
    const RuleSet& rules_;
    const Message& message_;
    std::vector<std::unique_ptr<SourceState>> states_;  // per source; envelope_to lazily
};

}  // namespace mailgate
