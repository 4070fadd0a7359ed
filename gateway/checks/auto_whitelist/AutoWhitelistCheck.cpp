// The auto-whitelist in the content stage (see AutoWhitelistCheck.hpp).
#include "gateway/checks/auto_whitelist/AutoWhitelistCheck.hpp"

#include <optional>

#include "gateway/checks/auto_whitelist/AutoWhitelist.hpp"
#include "gateway/engine/ContentTransaction.hpp"
#include "gateway/engine/RedisBatch.hpp"
#include "gateway/log/Logger.hpp"
#include "gateway/store/RedisClient.hpp"

namespace mailgate {
namespace {

struct AwlRead {
    std::string key;  // with the prefix; "" when the client has no usable address
    std::optional<AwlHistory> history;
    std::string failure;
};

}  // namespace

void AutoWhitelistCheck::prefetch(ContentTransaction& transaction, RedisBatch& batch) const {
    auto client = IpAddress::parse(transaction.envelope().client_address);
    if (!client) {
        return;
    }
    auto& read = transaction.scratch<AwlRead>();
    const auto& redis = transaction.services().redis;
    if (!redis) {
        read.failure = "not read: no Redis in this run";
        return;
    }
    read.key =
        redis->key(awlKeyName(awlNetwork(*client, static_cast<unsigned>(settings_.ipv6_prefix))));
    batch.add(awlHistoryCommand(read.key, transaction.envelope().sender),
              [&transaction](Result<RedisReply> reply) {
                  auto& stored = transaction.scratch<AwlRead>();
                  auto history = awlHistoryFromReply(reply);
                  if (history) {
                      stored.history = *history;
                  } else {
                      stored.failure = history.error();
                  }
              });
}

void AutoWhitelistCheck::run(ContentTransaction& transaction) const {
    auto& read = transaction.scratch<AwlRead>();
    if (transaction.filtersSkipped() || (read.key.empty() && read.failure.empty())) {
        return;
    }
    if (!read.history) {
        transaction.noteStoreFailure("awl: " + read.failure);
        return;
    }
    double score = transaction.score();
    if (auto adjustment = awlAdjustment(score, *read.history, settings_.factor)) {
        CheckOutcome outcome;
        outcome.symbols.push_back(std::move(*adjustment));
        transaction.addOutcome(name(), std::move(outcome));
    }
    const auto& services = transaction.services();
    if (!transaction.learns() || !services.redis) {
        return;
    }
    // Not waited for: the next message from this sender sees it, this one need not.
    services.redis->send(
        awlLearnCommand(read.key, transaction.envelope().sender, score, settings_.expire_after_s),
        [logger = services.logger, key = read.key](Result<RedisReply> reply) {
            if ((!reply || reply->isError()) && logger != nullptr) {
                logger->warning(LogLine("awl_learning_failed")
                                    .add("key", key)
                                    .add("reason", reply ? reply->text : reply.error()));
            }
        });
}

namespace {

std::vector<std::string> awlSymbols(const Config&) {
    return {"AWL"};
}

std::unique_ptr<ContentCheck> makeAutoWhitelistCheck(const Config& config, const Services&) {
    if (!config.awl.enabled) {
        return nullptr;
    }
    return std::make_unique<AutoWhitelistCheck>(config.awl);
}

}  // namespace

CheckDescriptor autoWhitelistCheckDescriptor() {
    CheckDescriptor descriptor;
    descriptor.name = "awl";
    descriptor.stage = CheckStage::Content;
    descriptor.phase = CheckPhase::PostFilter;
    descriptor.config_section = "awl";
    descriptor.symbols = awlSymbols;
    descriptor.make_content_check = makeAutoWhitelistCheck;
    return descriptor;
}

}  // namespace mailgate
