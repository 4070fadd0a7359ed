// One message through the content stage (see ContentTransaction.hpp).
#include "gateway/engine/ContentTransaction.hpp"

#include <algorithm>

#include "gateway/engine/CheckRegistry.hpp"
#include "gateway/engine/ContentCheck.hpp"

namespace mailgate {

ContentTransaction::ContentTransaction(const Message& message, std::vector<Symbol> policySymbols,
                                       const Scorer& scorer, const Services& services, bool learns)
    : message_(message),
      scorer_(scorer),
      services_(services),
      learns_(learns),
      facts_(factsFromSymbols(policySymbols)),
      policy_symbols_(policySymbols),
      symbols_(std::move(policySymbols)) {
    for (const auto& recipient : message.envelope.recipients) {
        recipients_.push_back({recipient, {}, {}});
    }
    if (recipients_.empty()) {
        recipients_.push_back({"", {}, {}});
    }
}

bool ContentTransaction::classified(std::size_t index) const {
    return recipients_[index].classification.kind != Classification::Kind::ByScore;
}

bool ContentTransaction::allClassified() const {
    for (std::size_t i = 0; i < recipients_.size(); ++i) {
        if (!classified(i)) {
            return false;
        }
    }
    return true;
}

bool ContentTransaction::classify(std::size_t index, Classification classification) {
    if (classified(index) || classification.kind == Classification::Kind::ByScore) {
        return false;
    }
    recipients_[index].classification = std::move(classification);
    return true;
}

void ContentTransaction::addOutcome(std::string_view check, CheckOutcome outcome) {
    symbols_.insert(symbols_.end(), outcome.symbols.begin(), outcome.symbols.end());
    if (outcome.rejects() && !reject_) {
        reject_ = outcome.reply;
    }
    checks_.push_back({std::string(check), std::move(outcome)});
}

void ContentTransaction::addRecipientSymbol(std::size_t index, std::string_view check,
                                            Symbol symbol) {
    auto& findings = recipients_[index].findings;
    if (findings.empty() || findings.back().check != check) {
        findings.push_back({std::string(check), {}});
    }
    findings.back().outcome.symbols.push_back(std::move(symbol));
}

double ContentTransaction::scoreWithout(const std::vector<std::string_view>& checks) const {
    std::vector<Symbol> kept = policy_symbols_;
    for (const auto& result : checks_) {
        if (std::find(checks.begin(), checks.end(), result.check) == checks.end()) {
            kept.insert(kept.end(), result.outcome.symbols.begin(), result.outcome.symbols.end());
        }
    }
    return scorer_.weightedTotal(kept);
}

void ContentTransaction::noteStoreFailure(const std::string& what) {
    store_failures_ += (store_failures_.empty() ? "" : "; ") + what;
}

void MessageCheck::run(ContentTransaction& transaction) const {
    transaction.addOutcome(name(), check(transaction.message()));
}

}  // namespace mailgate
