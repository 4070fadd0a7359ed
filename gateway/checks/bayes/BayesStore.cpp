// The statistical filter's counts in Redis (see BayesStore.hpp).
#include "gateway/checks/bayes/BayesStore.hpp"

#include <algorithm>
#include <cstdio>
#include <map>

#include "gateway/util/AsciiCase.hpp"
#include "gateway/util/Digests.hpp"

namespace mailgate {
namespace {

std::uint64_t countOf(const RedisReply& reply) {
    if (reply.type == RedisReply::Type::Integer) {
        return reply.integer > 0 ? static_cast<std::uint64_t>(reply.integer) : 0;
    }
    if (reply.type != RedisReply::Type::String || reply.text.empty()) {
        return 0;
    }
    try {
        long long value = std::stoll(reply.text);
        return value > 0 ? static_cast<std::uint64_t>(value) : 0;  // a forget can go below 0
    } catch (const std::exception&) {
        return 0;
    }
}

}  // namespace

const char* bayesLearnResultName(BayesLearnResult result) {
    switch (result) {
        case BayesLearnResult::Learned:
            return "learned";
        case BayesLearnResult::AlreadyKnown:
            return "already_known";
        case BayesLearnResult::Moved:
            return "moved";
        case BayesLearnResult::Forgotten:
            return "forgotten";
        case BayesLearnResult::NotKnown:
            return "not_known";
    }
    return "unknown";
}

BayesStore::BayesStore(std::shared_ptr<RedisClient> redis, std::int64_t token_ttl_s,
                       std::string scope)
    : redis_(std::move(redis)), token_ttl_s_(token_ttl_s), scope_(std::move(scope)) {}

std::string BayesStore::recipientScope(std::string_view address) {
    if (address.empty()) {
        return {};
    }
    return "r" + sha256Hex(lowerCase(address)).substr(0, 16);
}

std::string BayesStore::keyName(std::string_view scope, std::string_view name) {
    std::string key = "bayes:";
    if (!scope.empty()) {
        key += scope;
        key += ':';
    }
    key += name;
    return key;
}

std::string BayesStore::tokenKeyName(std::uint64_t token, std::string_view scope) {
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(token));
    std::string name = "bayes:{";
    name += scope;
    name += "t";
    name += hex[0];
    name += "}:";
    name += hex;
    return name;
}

BayesStore::ReadPlan BayesStore::readPlan(const RedisClient& redis,
                                          const std::vector<std::uint64_t>& tokens,
                                          std::string_view scope) {
    ReadPlan plan;
    plan.commands.push_back({"HMGET", redis.key(keyName(scope, "totals")), "spam", "ham"});
    std::vector<std::vector<std::string>> buckets(16);
    std::vector<std::vector<std::size_t>> positions(16);
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        auto bucket = static_cast<std::size_t>(tokens[i] >> 60);
        if (buckets[bucket].empty()) {
            buckets[bucket].push_back("MGET");
        }
        buckets[bucket].push_back(redis.key(tokenKeyName(tokens[i], scope)));
        positions[bucket].push_back(i);
    }
    for (std::size_t bucket = 0; bucket < buckets.size(); ++bucket) {
        if (!buckets[bucket].empty()) {
            plan.commands.push_back(std::move(buckets[bucket]));
            plan.positions.push_back(std::move(positions[bucket]));
        }
    }
    return plan;
}

BayesTokenCounts BayesStore::unpackCounts(long long packed) {
    // The low half is the ham count as a signed 32-bit number, so a small negative one
    // does not borrow from the spam count above it.
    auto low = static_cast<std::int32_t>(static_cast<std::uint32_t>(packed & 0xFFFFFFFFLL));
    long long high = (packed - low) / (1LL << 32);
    return BayesTokenCounts{high > 0 ? static_cast<std::uint64_t>(high) : 0,
                            low > 0 ? static_cast<std::uint64_t>(low) : 0};
}

Result<BayesTotals> BayesStore::totalsFromReply(const Result<RedisReply>& reply) {
    if (!reply) {
        return makeError(reply.error());
    }
    if (reply->isError()) {
        return makeError("redis: " + reply->text);
    }
    if (reply->type != RedisReply::Type::Array || reply->elements.size() != 2) {
        return makeError("redis: unexpected reply to HMGET");
    }
    return BayesTotals{countOf(reply->elements[0]), countOf(reply->elements[1])};
}

Result<void> BayesStore::countsFromReply(const Result<RedisReply>& reply,
                                         const std::vector<std::size_t>& positions,
                                         std::vector<BayesTokenCounts>& counts) {
    if (!reply) {
        return makeError(reply.error());
    }
    if (reply->isError()) {
        return makeError("redis: " + reply->text);
    }
    if (reply->type != RedisReply::Type::Array || reply->elements.size() != positions.size()) {
        return makeError("redis: unexpected reply to MGET");
    }
    for (std::size_t i = 0; i < positions.size(); ++i) {
        if (positions[i] >= counts.size()) {
            return makeError("redis: MGET answer for a token not asked for");
        }
        const auto& element = reply->elements[i];
        long long packed = 0;
        if (element.type == RedisReply::Type::String && !element.text.empty()) {
            try {
                packed = std::stoll(element.text);
            } catch (const std::exception&) {
                packed = 0;  // not ours: read as never seen
            }
        }
        counts[positions[i]] = unpackCounts(packed);
    }
    return Result<void>{};
}

boost::asio::awaitable<Result<BayesCounts>> BayesStore::read(
    const std::vector<std::uint64_t>& tokens) const {
    auto plan = readPlan(*redis_, tokens, scope_);
    auto replies = co_await redis_->pipeline(std::move(plan.commands));
    BayesCounts counts;
    auto totals = totalsFromReply(replies.front());
    if (!totals) {
        co_return makeError(totals.error());
    }
    counts.totals = *totals;
    counts.tokens.resize(tokens.size());
    for (std::size_t i = 1; i < replies.size(); ++i) {
        auto read = countsFromReply(replies[i], plan.positions[i - 1], counts.tokens);
        if (!read) {
            co_return makeError(read.error());
        }
    }
    co_return counts;
}

boost::asio::awaitable<Result<void>> BayesStore::send(
    std::vector<std::vector<std::string>> commands) const {
    if (commands.empty()) {
        co_return Result<void>{};
    }
    auto replies = co_await redis_->pipeline(std::move(commands));
    for (const auto& reply : replies) {
        if (!reply) {
            co_return makeError(reply.error());
        }
        if (reply->isError()) {
            co_return makeError("redis: " + reply->text);
        }
    }
    co_return Result<void>{};
}

boost::asio::awaitable<Result<BayesLearnResult>> BayesStore::learn(
    const std::vector<std::uint64_t>& tokens, const std::string& digest, bool spam) const {
    std::vector<Lesson> one{Lesson{tokens, digest}};
    auto results = co_await learnMany(one, spam, false);
    if (!results) {
        co_return makeError(results.error());
    }
    co_return results->front();
}

std::vector<std::vector<std::string>> BayesStore::digestReads(
    const std::vector<Lesson>& lessons) const {
    std::vector<std::vector<std::string>> gets;
    gets.reserve(lessons.size());
    for (const auto& lesson : lessons) {
        gets.push_back({"GET", redis_->key(keyName(scope_, "m:" + lesson.digest))});
    }
    return gets;
}

Result<BayesStore::Plan> BayesStore::plan(const std::vector<Lesson>& lessons,
                                          const std::vector<Result<RedisReply>>& known, bool spam,
                                          bool forget) const {
    struct Change {
        std::int64_t spam = 0;
        std::int64_t ham = 0;
    };
    std::map<std::uint64_t, Change> changes;
    Change totals;
    Plan plan;
    auto& records = plan.records;
    std::string wanted = spam ? "spam" : "ham";
    std::map<std::string, bool> inThisBatch;  // the same message twice in one batch
    for (std::size_t i = 0; i < lessons.size(); ++i) {
        if (!inThisBatch.emplace(lessons[i].digest, true).second) {
            plan.results.push_back(forget ? BayesLearnResult::NotKnown
                                          : BayesLearnResult::AlreadyKnown);
            continue;
        }
        if (i >= known.size() || !known[i]) {
            return makeError(i >= known.size() ? std::string("redis: no answer")
                                               : known[i].error());
        }
        const RedisReply& reply = *known[i];
        if (reply.isError()) {
            return makeError("redis: " + reply.text);
        }
        std::string record = redis_->key(keyName(scope_, "m:" + lessons[i].digest));
        auto apply = [&](bool asSpam, int step) {
            (asSpam ? totals.spam : totals.ham) += step;
            for (auto token : lessons[i].tokens) {
                (asSpam ? changes[token].spam : changes[token].ham) += step;
            }
        };
        if (forget) {
            if (reply.isNil()) {
                plan.results.push_back(BayesLearnResult::NotKnown);
                continue;
            }
            apply(reply.text == "spam", -1);
            records.push_back({"DEL", record});
            plan.results.push_back(BayesLearnResult::Forgotten);
        } else if (!reply.isNil() && reply.text == wanted) {
            plan.results.push_back(BayesLearnResult::AlreadyKnown);
        } else {
            apply(spam, 1);
            if (!reply.isNil()) {
                apply(!spam, -1);
            }
            records.push_back({"SET", record, wanted});
            plan.results.push_back(reply.isNil() ? BayesLearnResult::Learned
                                                 : BayesLearnResult::Moved);
        }
    }
    auto& commands = plan.commands;
    commands.reserve(2 * changes.size() + 2);
    std::string totalsKey = redis_->key(keyName(scope_, "totals"));
    for (auto [field, by] : {std::pair{"spam", totals.spam}, std::pair{"ham", totals.ham}}) {
        if (by != 0) {
            commands.push_back({"HINCRBY", totalsKey, field, std::to_string(by)});
        }
    }
    std::string ttl = std::to_string(token_ttl_s_);
    for (const auto& [token, change] : changes) {
        if (change.spam == 0 && change.ham == 0) {
            continue;
        }
        std::string key = redis_->key(tokenKeyName(token, scope_));
        long long packed = change.spam * (1LL << 32) + change.ham;
        commands.push_back({"INCRBY", key, std::to_string(packed)});
        if (change.spam > 0 || change.ham > 0) {
            commands.push_back({"EXPIRE", key, ttl});
        }
    }
    return plan;
}

boost::asio::awaitable<Result<std::vector<BayesLearnResult>>> BayesStore::learnMany(
    const std::vector<Lesson>& lessons, bool spam, bool forget) const {
    auto known = co_await redis_->pipeline(digestReads(lessons));
    auto planned = plan(lessons, known, spam, forget);
    if (!planned) {
        co_return makeError(planned.error());
    }
    auto sent = co_await send(std::move(planned->commands));
    if (!sent) {
        co_return makeError(sent.error());
    }
    // The records only once every count change was answered: a learn cut short records
    // nothing, so learning again counts its messages.
    auto recorded = co_await send(std::move(planned->records));
    if (!recorded) {
        co_return makeError(recorded.error());
    }
    co_return std::move(planned->results);
}

namespace {

// Sends every command now and calls `then` once: after the last answer, or at the first
// failure. On the Redis client's strand, so the shared state needs no lock.
void sendAll(RedisClient& redis, std::vector<std::vector<std::string>> commands,
             std::function<void(Result<void>)> then) {
    if (commands.empty()) {
        then(Result<void>{});
        return;
    }
    struct Progress {
        std::size_t waiting;
        bool told = false;
        std::function<void(Result<void>)> then;
    };
    auto progress = std::make_shared<Progress>(Progress{commands.size(), false, std::move(then)});
    for (auto& command : commands) {
        redis.send(std::move(command), [progress](Result<RedisReply> answer) {
            progress->waiting -= 1;
            if (progress->told) {
                return;
            }
            if (!answer || answer->isError()) {
                progress->told = true;
                progress->then(makeError(answer ? "redis: " + answer->text : answer.error()));
            } else if (progress->waiting == 0) {
                progress->told = true;
                progress->then(Result<void>{});
            }
        });
    }
}

}  // namespace

void BayesStore::learnInBackground(Lesson lesson, bool spam,
                                   std::function<void(Result<BayesLearnResult>)> done) const {
    auto lessons = std::make_shared<std::vector<Lesson>>();
    lessons->push_back(std::move(lesson));
    auto read = digestReads(*lessons).front();
    // The client is shared into the callbacks: they may outlive the check that asked.
    redis_->send(std::move(read), [store = *this, lessons, spam,
                                   done = std::move(done)](Result<RedisReply> reply) mutable {
        std::vector<Result<RedisReply>> known;
        known.push_back(std::move(reply));
        auto planned = store.plan(*lessons, known, spam, false);
        if (!planned) {
            done(makeError(planned.error()));
            return;
        }
        auto redis = store.redis_;
        auto result = planned->results.front();
        // The records only once every count change was answered, as in learnMany.
        sendAll(*redis, std::move(planned->commands),
                [redis, result, records = std::move(planned->records),
                 done = std::move(done)](Result<void> counted) mutable {
                    if (!counted) {
                        done(makeError(counted.error()));
                        return;
                    }
                    sendAll(*redis, std::move(records),
                            [result, done = std::move(done)](Result<void> recorded) {
                                if (recorded) {
                                    done(result);
                                } else {
                                    done(makeError(recorded.error()));
                                }
                            });
                });
    });
}

boost::asio::awaitable<Result<BayesLearnResult>> BayesStore::forget(
    const std::vector<std::uint64_t>& tokens, const std::string& digest) const {
    std::vector<Lesson> one{Lesson{tokens, digest}};
    auto results = co_await learnMany(one, false, true);
    if (!results) {
        co_return makeError(results.error());
    }
    co_return results->front();
}

}  // namespace mailgate
