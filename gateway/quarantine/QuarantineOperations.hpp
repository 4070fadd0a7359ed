// QuarantineOperations: what a postmaster (mailgatectl now, the web UI later) does with the
// quarantine, in the core: search the index, show an entry, release or delete recipients'
// copies, rebuild the index from this node's spool, and expire old entries. Every change
// is per recipient, idempotent, logged with who made it, and written to the spool (the
// truth) before the index. A release claims the copy in Redis first (one claim wins when
// two releases race, on one node or two), sends by SMTP to quarantine.release_server, and
// counts only after the server's 250 to the final dot; any other answer gives the claim
// back and reports the server's reply. Entries held on another node are named, not failed
// silently. Synchronous: it runs on the caller's thread. Access control is the caller's.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gateway/config/Config.hpp"
#include "gateway/log/Logger.hpp"
#include "gateway/quarantine/QuarantineIndex.hpp"
#include "gateway/quarantine/QuarantineSpool.hpp"
#include "gateway/store/RedisConnection.hpp"
#include "gateway/util/Result.hpp"

namespace mailgate {

struct QuarantinePage {
    std::vector<QuarantineSummary> entries;
    std::size_t examined = 0;  // candidates read from the index
    bool more = false;         // more matches after this page
};

// The result of one operation on one recipient's copy.
struct RecipientOutcome {
    enum class Kind {
        Done,             // released or deleted now
        AlreadyDone,      // released or deleted before: nothing sent again
        Busy,             // another release holds the claim
        Failed,           // the server refused, or could not be reached, or Redis could not
        NotHere,          // the entry is held on another node (detail: which)
        NoSuchRecipient,  // not a recipient of this entry
        NoSuchEntry,
    };
    std::string recipient;
    Kind kind = Kind::Failed;
    std::string detail;  // the server's reply, the node, the reason
};

const char* recipientOutcomeName(RecipientOutcome::Kind kind);

struct ReindexReport {
    std::uint64_t indexed = 0;
    std::uint64_t removed_stale = 0;  // this node's index entries with no spool entry
    std::vector<SpoolProblem> problems;
};

struct ExpireReport {
    std::uint64_t removed = 0;
    std::vector<std::string> failures;
};

class QuarantineOperations {
  public:
    // `spool` may be null on a node without a spool (only the index is then read).
    QuarantineOperations(const Config& config, QuarantineSpool* spool, RedisConnection& redis,
                         Logger& logger);

    Result<QuarantinePage> search(const QuarantineQuery& query);
    // The entry from this node's spool, or from the index (with fewer fields) when the
    // spool holds no such entry; an error when neither knows it.
    Result<QuarantineEntry> show(const std::string& id);
    // Releases the copies of `recipients` (empty: every recipient still quarantined).
    std::vector<RecipientOutcome> release(const std::string& id,
                                          std::vector<std::string> recipients,
                                          const std::string& actor);
    // Marks the copies deleted; with `purge`, once no copy is held any more, the entry's
    // files and index go too.
    std::vector<RecipientOutcome> remove(const std::string& id, std::vector<std::string> recipients,
                                         const std::string& actor, bool purge);
    Result<ReindexReport> reindex();
    // Removes this node's entries older than quarantine.retention_days, then their index.
    Result<ExpireReport> expire(std::int64_t now);
    // Indexes one entry (the milter's spool write, when Redis was down then).
    Result<void> index(const QuarantineEntry& entry);

    const std::string& node() const { return node_; }

  private:
    std::vector<RecipientOutcome> notHere(const std::string& id,
                                          const std::vector<std::string>& recipients);
    Result<void> send(const std::vector<RedisCommand>& commands);
    void record(const std::string& id, const QuarantineRecipient& recipient);
    // The log line, and for a copy released, refused or deleted a tracking record (E2).
    void log(const char* event, const QuarantineEntry& entry, const RecipientOutcome& outcome,
             const std::string& actor);

    const Config& config_;
    QuarantineSpool* spool_;
    RedisConnection& redis_;
    Logger& logger_;
    QuarantineIndex index_;
    std::string node_;
};

// This node's name: quarantine.node, or the host name.
std::string quarantineNodeName(const QuarantineSettings& settings);

}  // namespace mailgate
