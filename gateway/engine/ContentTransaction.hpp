// ContentTransaction: one message passing through the content stage, the object every
// content check reads and writes (rspamd's task): the parsed message and its envelope, the
// facts the policy stage established, the services, the symbols found for the whole
// message and those found for one recipient only (personal lists, Envelope-To rules),
// each recipient's classification (decided by the first check that decides it: personal
// lists, then the global lists, then the rules; otherwise the score), whether a whitelist
// spared the message the filters, the stores that failed, and per-message scratch space a
// check keeps between its prefetch and its run. It computes no verdict: ContentStage does.
#pragma once

#include <any>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <typeindex>
#include <unordered_map>
#include <vector>

#include "gateway/engine/CheckOutcome.hpp"
#include "gateway/engine/Scorer.hpp"
#include "gateway/engine/Services.hpp"
#include "gateway/engine/SmtpFacts.hpp"
#include "gateway/message/Message.hpp"

namespace mailgate {

struct ContentCheckResult {
    std::string check;
    CheckOutcome outcome;
};

struct RecipientJudgement {
    std::string recipient;
    Classification classification;
    std::vector<ContentCheckResult> findings;  // this recipient's own, by check
};

class ContentTransaction {
  public:
    // `recipients` is the envelope's; a message without any (a scan of a file with no
    // --rcpt) is judged once, for the recipient "".
    ContentTransaction(const Message& message, std::vector<Symbol> policySymbols,
                       const Scorer& scorer, const Services& services, bool learns);

    const Message& message() const { return message_; }
    const MessageEnvelope& envelope() const { return message_.envelope; }
    const SmtpFacts& facts() const { return facts_; }
    const Services& services() const { return services_; }
    // Whether checks may write what they learn (the auto-whitelist; later Bayes):
    // false for `mailgatectl scan` unless it is asked to.
    bool learns() const { return learns_; }

    std::size_t recipientCount() const { return recipients_.size(); }
    const std::string& recipient(std::size_t index) const { return recipients_[index].recipient; }
    bool classified(std::size_t index) const;
    bool allClassified() const;
    // Decides the recipient's classification unless an earlier check did; true if it did.
    bool classify(std::size_t index, Classification classification);

    // A check's findings for the whole message: its symbols count for every recipient,
    // its reject is the message's (the first check's that asks for one).
    void addOutcome(std::string_view check, CheckOutcome outcome);
    // A finding for one recipient only.
    void addRecipientSymbol(std::size_t index, std::string_view check, Symbol symbol);

    // A whitelist spares the message the filters (the post-filters see it too).
    void skipFilters() { filters_skipped_ = true; }
    bool filtersSkipped() const { return filters_skipped_; }
    // The weighted total of the message-wide symbols so far.
    double score() const { return scorer_.weightedTotal(symbols_); }
    // The same without the symbols of the named checks (the policy stage's always count).
    double scoreWithout(const std::vector<std::string_view>& checks) const;

    // A store that could not be read or written: the message is judged without it.
    void noteStoreFailure(const std::string& what);
    const std::string& storeFailures() const { return store_failures_; }

    // Per-message state of one check, of a type of its own (default-constructed first).
    template <class T>
    T& scratch() {
        auto& slot = scratch_[std::type_index(typeid(T))];
        if (!slot.has_value()) {
            slot = T{};
        }
        return std::any_cast<T&>(slot);
    }

    const std::vector<Symbol>& policySymbols() const { return policy_symbols_; }
    const std::vector<Symbol>& symbols() const { return symbols_; }
    const std::vector<ContentCheckResult>& checks() const { return checks_; }
    const std::optional<SmtpReply>& reject() const { return reject_; }
    const std::vector<RecipientJudgement>& recipients() const { return recipients_; }

  private:
    const Message& message_;
    const Scorer& scorer_;
    const Services& services_;
    bool learns_;
    SmtpFacts facts_;
    std::vector<Symbol> policy_symbols_;
    std::vector<Symbol> symbols_;  // the policy stage's, then each check's, in order
    std::vector<ContentCheckResult> checks_;
    std::optional<SmtpReply> reject_;
    std::vector<RecipientJudgement> recipients_;
    bool filters_skipped_ = false;
    std::string store_failures_;
    std::unordered_map<std::type_index, std::any> scratch_;
};

}  // namespace mailgate
