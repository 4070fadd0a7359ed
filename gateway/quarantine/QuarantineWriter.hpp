// QuarantineWriter: the milter's side of the quarantine, a process-lifetime service. When
// a message's action plan quarantines some recipients, it writes the message once to the
// spool (durably, before the milter answers the MTA) with those recipients, then indexes
// it in Redis without waiting for the answer. If the spool write fails (no spool, quota
// reached, disk error) those recipients' actions become a tempfail, so the MTA keeps the
// message and the sender retries: quarantined mail is never accepted unwritten. An entry
// whose indexing failed (Redis down) is kept in memory and indexed again with the next
// quarantined message; `mailgatectl quarantine reindex` catches up after a restart.
// Not here: searching, release, deletion (QuarantineOperations).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/engine/ContentStage.hpp"
#include "gateway/log/Logger.hpp"
#include "gateway/quarantine/QuarantineIndex.hpp"
#include "gateway/quarantine/QuarantineSpool.hpp"
#include "gateway/store/RedisClient.hpp"

namespace mailgate {

struct QuarantineHoldRequest {
    const MessageEnvelope* envelope = nullptr;
    std::string mailgate_id;
    std::string_view message;  // the bytes as the MTA gave them
};

class QuarantineWriter {
  public:
    // `spool` null: the spool could not be opened at start (`problem` says why); every
    // quarantined recipient is then tempfailed.
    QuarantineWriter(std::unique_ptr<QuarantineSpool> spool, std::string problem,
                     std::shared_ptr<RedisClient> redis, Logger& logger, std::string node);

    // For the recipients `decision.plan` quarantines, stores the message and sets
    // `decision.answer` again from the plan; on failure turns their actions into a
    // tempfail first. Answers the entry's ID, or "" when nothing was quarantined.
    std::string hold(ContentDecision& decision, const QuarantineHoldRequest& request);

    std::uint64_t held() const { return held_.load(); }
    std::uint64_t failures() const { return failures_.load(); }

  private:
    QuarantineEntry entryFor(const ContentDecision& decision, const QuarantineHoldRequest& request,
                             const std::vector<std::string>& recipients) const;
    void indexLater(const QuarantineEntry& entry);
    void retryPending();

    std::unique_ptr<QuarantineSpool> spool_;
    std::string problem_;
    std::shared_ptr<RedisClient> redis_;
    Logger& logger_;
    std::string node_;
    QuarantineIndex index_;
    std::mutex pending_mutex_;
    std::vector<QuarantineEntry> pending_;  // written, not yet indexed
    std::atomic<std::uint64_t> held_{0};
    std::atomic<std::uint64_t> failures_{0};
};

// The quarantined recipients' actions become a tempfail with `why` in the reply, and the
// answer is collapsed again (also used when there is no writer at all).
void tempfailQuarantined(ContentDecision& decision, const std::string& why);

// The short reason an entry records and a search by reason uses: "rule NAME" when a rule
// decided, "spam score S" otherwise.
std::string quarantineReason(const Verdict& verdict);

}  // namespace mailgate
