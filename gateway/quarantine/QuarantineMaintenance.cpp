// The quarantine's upkeep on this node (see QuarantineOperations.hpp): reindex rebuilds
// the Redis index from the spool, which is the truth, and drops this node's stale index
// entries; expire removes entries past quarantine.retention_days with their index. The
// operations a postmaster does on one entry (release, delete) are in
// QuarantineOperations.cpp.
#include <set>

#include "gateway/log/LogLine.hpp"
#include "gateway/quarantine/QuarantineOperations.hpp"

namespace mailgate {

Result<ReindexReport> QuarantineOperations::reindex() {
    if (spool_ == nullptr) {
        return makeError("this node has no quarantine spool");
    }
    ReindexReport report;
    std::set<std::string> present;
    std::string failure;
    auto walked = spool_->forEachEntry(
        [&](const QuarantineEntry& entry) {
            present.insert(entry.mailgate_id);
            auto done = index(entry);
            if (!done) {
                failure = done.error();
                return false;
            }
            ++report.indexed;
            return true;
        },
        [&](const SpoolProblem& problem) { report.problems.push_back(problem); });
    if (!walked) {
        return makeError(walked.error());
    }
    if (!failure.empty()) {
        return makeError(failure);
    }
    // This node's index entries whose spool entry is gone (removed while Redis was down).
    auto all = redis_.command({"ZRANGE", index_.timeKey(), "0", "-1"});
    if (!all) {
        return makeError(all.error());
    }
    for (const auto& element : all->elements) {
        if (present.count(element.text) != 0) {
            continue;
        }
        auto reply = redis_.command(index_.readCommand(element.text));
        if (!reply) {
            return makeError(reply.error());
        }
        auto summary = QuarantineIndex::summaryFrom(element.text, *reply);
        if (!summary) {  // a set member without its hash
            (void)send({{"ZREM", index_.timeKey(), element.text}});
            ++report.removed_stale;
        } else if (summary->node == node_) {
            auto removed = send(index_.removeCommands(*summary));
            if (!removed) {
                return makeError(removed.error());
            }
            ++report.removed_stale;
        }
    }
    logger_.info(LogLine("quarantine_reindex")
                     .add("indexed", report.indexed)
                     .add("removed_stale", report.removed_stale)
                     .add("problems", static_cast<std::uint64_t>(report.problems.size())));
    return report;
}

Result<ExpireReport> QuarantineOperations::expire(std::int64_t now) {
    if (spool_ == nullptr) {
        return makeError("this node has no quarantine spool");
    }
    std::int64_t cutoff = now - config_.quarantine.retention_days * 86400;
    auto old = spool_->entriesOlderThan(cutoff);
    if (!old) {
        return makeError(old.error());
    }
    ExpireReport report;
    for (const auto& id : *old) {
        QuarantineSummary summary;
        summary.id = id;
        if (auto entry = spool_->load(id)) {
            summary.sender = entry->envelope_sender;
            summary.subject = entry->subject;
            summary.reason = entry->reason;
            summary.recipients = entry->recipients;
        } else if (auto reply = redis_.command(index_.readCommand(id))) {
            if (auto indexed = QuarantineIndex::summaryFrom(id, *reply)) {
                summary = *indexed;
            }
        }
        auto removed = spool_->remove(id);
        if (!removed && removed.errorKind() != SpoolErrorKind::NotFound) {
            report.failures.push_back(id + ": " + removed.error());
            continue;
        }
        auto unindexed = send(index_.removeCommands(summary));
        if (!unindexed) {
            report.failures.push_back(id + ": index: " + unindexed.error());
        }
        ++report.removed;
    }
    logger_.info(LogLine("quarantine_expire")
                     .add("removed", report.removed)
                     .add("failures", static_cast<std::uint64_t>(report.failures.size()))
                     .add("retention_days", config_.quarantine.retention_days));
    return report;
}

}  // namespace mailgate
