// Global and personal white and black lists in the content stage (see ListsCheck.hpp).
#include "gateway/checks/lists/ListsCheck.hpp"

#include <map>

#include "gateway/checks/lists/PersonalListStore.hpp"
#include "gateway/engine/ContentTransaction.hpp"
#include "gateway/engine/RedisBatch.hpp"
#include "gateway/store/RedisClient.hpp"

namespace mailgate {
namespace {

// What the batch brought back, until run().
struct PersonalListsRead {
    std::map<std::size_t, PersonalLists> by_recipient;  // those with any entry
    std::string failure;
};

Classification listClassification(const ListFinding& finding, const char* white, const char* black,
                                  Symbol& symbol) {
    Classification classification;
    if (finding.whitelisted) {
        symbol = {white, 0.0, finding.entry};
        classification.kind = Classification::Kind::Ham;
        classification.by = std::string(white) + " " + finding.entry;
        classification.symbol = white;
    } else if (finding.blacklisted) {
        symbol = {black, 0.0, finding.entry};
        classification.kind = Classification::Kind::Spam;
        classification.by = std::string(black) + " " + finding.entry;
        classification.symbol = black;
    }
    return classification;
}

}  // namespace

void ListsCheck::prefetch(ContentTransaction& transaction, RedisBatch& batch) const {
    const auto& redis = transaction.services().redis;
    if (!personal_ || !redis) {
        if (personal_) {
            transaction.scratch<PersonalListsRead>().failure = "not read: no Redis in this run";
        }
        return;
    }
    for (std::size_t i = 0; i < transaction.recipientCount(); ++i) {
        const std::string& recipient = transaction.recipient(i);
        if (recipient.empty()) {
            continue;
        }
        auto command = PersonalListStore::loadCommand(
            redis->key(PersonalListStore::keyName(recipient, PersonalListKind::White)),
            redis->key(PersonalListStore::keyName(recipient, PersonalListKind::Black)));
        batch.add(std::move(command), [&transaction, i](Result<RedisReply> reply) {
            auto& read = transaction.scratch<PersonalListsRead>();
            auto lists = PersonalListStore::listsFromReply(reply);
            if (!lists) {
                read.failure = lists.error();
            } else if (!lists->white.empty() || !lists->black.empty()) {
                read.by_recipient[i] = std::move(*lists);
            }
        });
    }
}

void ListsCheck::run(ContentTransaction& transaction) const {
    auto& read = transaction.scratch<PersonalListsRead>();
    if (!read.failure.empty()) {
        transaction.noteStoreFailure("personal lists: " + read.failure);
        read.by_recipient.clear();  // all or none: recipients are judged alike
    }
    const ListFinding global =
        lists_.forMessage(transaction.envelope(), transaction.facts().spf_pass);
    if (global.unverified_whitelist) {
        CheckOutcome outcome;
        outcome.addSymbol("WHITELIST_FROM_UNVERIFIED", 0.0, global.entry + " (no SPF pass)");
        transaction.addOutcome(name(), std::move(outcome));
    }
    if (global.whitelisted) {
        transaction.skipFilters();  // whitelisted mail skips the anti-spam checks
    }
    for (std::size_t i = 0; i < transaction.recipientCount(); ++i) {
        Symbol symbol;
        if (auto own = read.by_recipient.find(i); own != read.by_recipient.end()) {
            auto finding =
                judgeSender(own->second.white, own->second.black, transaction.envelope().sender);
            auto classification =
                listClassification(finding, "PERSONAL_WHITELIST", "PERSONAL_BLACKLIST", symbol);
            if (transaction.classify(i, classification)) {
                transaction.addRecipientSymbol(i, name(), std::move(symbol));
                continue;
            }
        }
        const ListFinding toFinding = lists_.forRecipient(transaction.recipient(i));
        for (bool white : {true, false}) {
            const ListFinding* decided = nullptr;
            for (const auto* finding : {&global, &toFinding}) {
                if (white ? finding->whitelisted : finding->blacklisted) {
                    decided = finding;
                    break;
                }
            }
            if (decided != nullptr) {
                bool to = decided == &toFinding;
                auto classification =
                    listClassification(*decided, to ? "WHITELIST_TO" : "WHITELIST",
                                       to ? "BLACKLIST_TO" : "BLACKLIST", symbol);
                if (transaction.classify(i, classification)) {
                    transaction.addRecipientSymbol(i, name(), std::move(symbol));
                }
                break;
            }
        }
    }
}

namespace {

std::vector<std::string> listsSymbols(const Config&) {
    return {"WHITELIST",
            "BLACKLIST",
            "WHITELIST_TO",
            "BLACKLIST_TO",
            "PERSONAL_WHITELIST",
            "PERSONAL_BLACKLIST",
            "WHITELIST_FROM_UNVERIFIED"};
}

std::unique_ptr<ContentCheck> makeListsCheck(const Config& config, const Services&) {
    return std::make_unique<ListsCheck>(config.lists);
}

}  // namespace

CheckDescriptor listsCheckDescriptor() {
    CheckDescriptor descriptor;
    descriptor.name = "lists";
    descriptor.stage = CheckStage::Content;
    descriptor.phase = CheckPhase::PreFilter;
    descriptor.config_section = "lists";
    descriptor.symbols = listsSymbols;
    descriptor.make_content_check = makeListsCheck;
    return descriptor;
}

}  // namespace mailgate
