// QuarantineIndex: the Redis key layout of the quarantine's index, shared by every node,
// and the commands that write, remove and read it, as plain command vectors, so the
// milter (asynchronous client) and mailgatectl (synchronous one) send the same ones.
// Per entry, one hash with what a list shows (node, time, sender, subject, score, reason,
// each recipient's status), and its ID in sorted sets by time, sender, recipient, Subject
// word and reason kind, scored by time, so a search reads one small set and pages by time.
// Every key carries the {quarantine} hash tag (one Redis Cluster slot). The index is a
// copy: the spool on each node is the truth (QuarantineSpool), `reindex` rebuilds it.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/quarantine/QuarantineEntry.hpp"
#include "gateway/store/RedisReply.hpp"
#include "gateway/util/Result.hpp"

namespace mailgate {

using RedisCommand = std::vector<std::string>;

// What a list or a search shows of one entry, read from its hash.
struct QuarantineSummary {
    std::string id;
    std::string node;
    std::int64_t received = 0;
    std::string sender;
    std::string subject;
    double score = 0;
    std::string reason;
    std::uint64_t size = 0;
    std::vector<QuarantineRecipient> recipients;
};

struct QuarantineQuery {
    std::string sender;                 // exact address, any case
    std::string recipient;              // exact address, any case
    std::string subject;                // words that must all be in the Subject
    std::string reason;                 // the reason's kind: "spam", "rule", "virus"
    std::optional<std::int64_t> since;  // unix seconds, inclusive
    std::optional<std::int64_t> until;
    std::optional<double> min_score;
    std::optional<double> max_score;
    std::string status;  // "" or a status word: entries with a recipient in it
    std::size_t offset = 0;
    std::size_t limit = 50;
};

// The status of one recipient as the index hash holds it: "quarantined",
// "releasing\t<token>\t<expires>", "released\t<time>\t<by>\t<reply>",
// "deleted\t<time>\t<by>".
std::string encodeRecipientStatus(const RecipientStatus& status);
Result<RecipientStatus> decodeRecipientStatus(std::string_view text);

// The reason's kind, the word a search by reason uses: its first word, lower case.
std::string reasonKind(std::string_view reason);
// The Subject's words as the index keys them: lower case, letters and digits (bytes
// above 127 count as letters), at least 2 bytes, at most 30 distinct words of 40 bytes.
std::vector<std::string> subjectWords(std::string_view subject);

class QuarantineIndex {
  public:
    using KeyNamer = std::function<std::string(std::string_view)>;
    // `key` adds the configured prefix (RedisClient::key, RedisConnection::key).
    explicit QuarantineIndex(KeyNamer key) : key_(std::move(key)) {}

    std::string entryKey(std::string_view id) const;
    std::string timeKey() const;
    std::string senderKey(std::string_view sender) const;
    std::string recipientKey(std::string_view recipient) const;
    std::string wordKey(std::string_view word) const;
    std::string reasonKey(std::string_view kind) const;

    // Writes (or rewrites) the entry: its hash replaced whole, its ID added to each set.
    std::vector<RedisCommand> indexCommands(const QuarantineEntry& entry) const;
    // Takes the entry out of the index (its hash and every set it is in).
    std::vector<RedisCommand> removeCommands(const QuarantineSummary& entry) const;
    // Sets one recipient's status in the hash (after the spool's metadata says so).
    RedisCommand statusCommand(std::string_view id, std::string_view recipient,
                               const RecipientStatus& status) const;
    // Reads the hash: HGETALL.
    RedisCommand readCommand(std::string_view id) const;
    // The entry from its HGETALL answer; nullopt when the hash is gone.
    static std::optional<QuarantineSummary> summaryFrom(std::string_view id,
                                                        const RedisReply& reply);

    // The set a query reads (the narrowest one it names) and the ZREVRANGEBYSCORE
    // bounds; the rest of the query is checked on each summary by matches().
    RedisCommand candidatesCommand(const QuarantineQuery& query, std::size_t most) const;
    static bool matches(const QuarantineQuery& query, const QuarantineSummary& summary);

    // Claims a recipient's copy for a release, atomically (a Lua script on the entry's
    // hash): quarantined, or releasing with a lapsed claim, becomes releasing with this
    // token until `expires`. The answer is "claimed", "busy" (someone else's claim
    // holds), "released", "deleted" or "missing" (no such entry or recipient).
    RedisCommand claimCommand(std::string_view id, std::string_view recipient,
                              std::string_view token, std::int64_t now, std::int64_t expires) const;
    // Gives a claim back (the release failed): releasing with this token becomes
    // quarantined again; anything else is left alone.
    RedisCommand unclaimCommand(std::string_view id, std::string_view recipient,
                                std::string_view token) const;

  private:
    KeyNamer key_;
};

}  // namespace mailgate
