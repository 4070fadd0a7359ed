// BayesStore: the statistical filter's counts in Redis, shared by every node. Keys (all
// under redis.key_prefix): "bayes:totals" (hash: spam, ham = messages learned),
// "bayes:{tX}:<token as 16 hex digits>" (a string: the learned spam and ham messages that
// had the token, packed in one integer as spam * 2^32 + ham, so one INCRBY counts either;
// X is the token's first hex digit, a hash tag putting the tokens in 16 buckets; each key
// has a TTL renewed whenever a message with it is learned, so tokens no longer seen
// expire), "bayes:m:<digest>" (the class a message was learned as, so learning it again
// does nothing and learning it as the other class moves it). A message's tokens are read
// with one MGET per bucket (at most 16 commands, however many tokens; the keys of one MGET
// share a hash tag, so this works on Redis Cluster and spreads over its nodes), pipelined
// with the totals: one wait. A learn is three waits: the digests, the count changes, and
// only once every change was answered, the records of the messages learned; so a learn
// cut short (Redis gone, a write refused) records nothing and learning again counts the
// message; the changes the cut-short attempt did make stay (counted twice). Not atomic either: two
// nodes learning the same message at the same instant may count it twice. The milter's autolearning
// uses learnInBackground, the same steps through callbacks, never waited for. A store has a scope:
// "" is the global store, a recipient's own store (bayes.per_recipient) has "r" and 16 hex digits
// of a digest of the address in each key ("bayes:rX:totals", "bayes:rX:m:<digest>",
// "bayes:{rXtY}:<token>").
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/checks/bayes/BayesClassifier.hpp"
#include "gateway/store/RedisClient.hpp"
#include "gateway/util/Asio.hpp"
#include "gateway/util/Result.hpp"

namespace mailgate {

struct BayesCounts {
    BayesTotals totals;
    std::vector<BayesTokenCounts> tokens;  // in the order asked
};

enum class BayesLearnResult {
    Learned,       // counted as asked
    AlreadyKnown,  // learned before as the same class: nothing changed
    Moved,         // learned before as the other class: moved to this one
    Forgotten,     // forget(): its counts were taken away
    NotKnown,      // forget() of a message never learned: nothing changed
};

const char* bayesLearnResultName(BayesLearnResult result);

class BayesStore {
  public:
    BayesStore(std::shared_ptr<RedisClient> redis, std::int64_t token_ttl_s,
               std::string scope = "");

    // The scope of a recipient's own store ("" for the address "").
    static std::string recipientScope(std::string_view address);

    // The totals and each token's counts, one wait.
    boost::asio::awaitable<Result<BayesCounts>> read(
        const std::vector<std::uint64_t>& tokens) const;
    // Learns a message (its tokens and a digest of it) as spam or ham: learnMany of one.
    boost::asio::awaitable<Result<BayesLearnResult>> learn(const std::vector<std::uint64_t>& tokens,
                                                           const std::string& digest,
                                                           bool spam) const;
    // Learns (or, with `forget`, takes back) several messages with three waits in all:
    // their digests, every count change (summed per token across the messages), then the
    // records of what was learned.
    struct Lesson {
        std::vector<std::uint64_t> tokens;
        std::string digest;
    };
    boost::asio::awaitable<Result<std::vector<BayesLearnResult>>> learnMany(
        const std::vector<Lesson>& lessons, bool spam, bool forget) const;
    // Takes a learned message's counts away: learnMany of one, forgetting.
    boost::asio::awaitable<Result<BayesLearnResult>> forget(
        const std::vector<std::uint64_t>& tokens, const std::string& digest) const;
    // Learns one message without anyone waiting: `done` runs once, on the Redis client's
    // strand, with the result or the failure.
    void learnInBackground(Lesson lesson, bool spam,
                           std::function<void(Result<BayesLearnResult>)> done) const;

    static std::string tokenKeyName(std::uint64_t token, std::string_view scope = "");
    // The reads of read(), for a caller that sends them in a batch of its own (the
    // content stage): the totals first, then one MGET per bucket of tokens; `positions`
    // says, for each MGET, which of `tokens` it asks for, in order.
    struct ReadPlan {
        std::vector<std::vector<std::string>> commands;
        std::vector<std::vector<std::size_t>> positions;  // one per command after the first
    };
    static ReadPlan readPlan(const RedisClient& redis, const std::vector<std::uint64_t>& tokens,
                             std::string_view scope = "");
    // The answer to the totals' read.
    static Result<BayesTotals> totalsFromReply(const Result<RedisReply>& reply);
    // The answer to one MGET, written into `counts` at its positions.
    static Result<void> countsFromReply(const Result<RedisReply>& reply,
                                        const std::vector<std::size_t>& positions,
                                        std::vector<BayesTokenCounts>& counts);
    // A token's packed counts (spam * 2^32 + ham) as two counts; negatives (a forget
    // after the token expired) read as zero.
    static BayesTokenCounts unpackCounts(long long packed);

  private:
    // What learning some messages changes, from what the store knew of their digests.
    struct Plan {
        std::vector<BayesLearnResult> results;
        std::vector<std::vector<std::string>> commands;  // the count changes
        std::vector<std::vector<std::string>> records;   // the learned-message records
    };
    std::vector<std::vector<std::string>> digestReads(const std::vector<Lesson>& lessons) const;
    Result<Plan> plan(const std::vector<Lesson>& lessons,
                      const std::vector<Result<RedisReply>>& known, bool spam, bool forget) const;
    boost::asio::awaitable<Result<void>> send(std::vector<std::vector<std::string>> commands) const;

    // A key of this store other than a token's: "bayes:" then the scope's part, then name.
    static std::string keyName(std::string_view scope, std::string_view name);

    std::shared_ptr<RedisClient> redis_;
    std::int64_t token_ttl_s_;
    std::string scope_;
};

}  // namespace mailgate
