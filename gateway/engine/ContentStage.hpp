// ContentStage: the content stage for one config snapshot, the one entry point the milter
// and `mailgatectl scan` share, so both give the same verdict per recipient. Built once
// per snapshot from the check registry with the process's services; immutable. For one
// message (its bytes in memory or in the spool file, its envelope, the policy stage's
// symbols) it decides whether to scan at all (size, authenticated senders), parses it
// with the content.* limits, sends the checks' store reads in one batch while the checks
// that need the network gather their lookups (each under its own deadline), runs the
// pre-filters, the filters (unless a whitelist spares the message) and the post-filters,
// judges each recipient with the scorer, and returns the per-recipient ActionPlan with
// the verdict of the copy that is delivered. No libmilter here.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/checks/relay/RelayDomains.hpp"
#include "gateway/config/Config.hpp"
#include "gateway/engine/ActionPlan.hpp"
#include "gateway/engine/ContentCheck.hpp"
#include "gateway/engine/ContentTransaction.hpp"
#include "gateway/engine/Scorer.hpp"
#include "gateway/engine/Services.hpp"
#include "gateway/mime/MimeParser.hpp"
#include "gateway/util/Asio.hpp"

namespace mailgate {

struct ContentInput {
    MessageEnvelope envelope;
    std::string_view memory;     // the message's bytes, unless they are in
    std::filesystem::path file;  // the spool file (the milter spilled a big message)
    std::uint64_t size = 0;
    std::vector<Symbol> policy_symbols;  // what the policy stage found (its signed header)
};

struct ContentOptions {
    // Checks write what they learn (the auto-whitelist): the milter, not scan.
    bool learns = true;
    bool digests = false;  // a SHA-1 of each part's decoded content (scan --digests)
};

struct RecipientDecision {
    std::string recipient;
    Verdict verdict;                           // its own
    std::vector<ContentCheckResult> findings;  // this recipient's own symbols, by check
};

struct ContentDecision {
    std::shared_ptr<const Message> message;  // null when the message was not scanned
    std::vector<Symbol> policy_symbols;
    std::vector<ContentCheckResult> checks;     // the message-wide findings, in check order
    std::vector<RecipientDecision> recipients;  // one per envelope recipient
    Verdict verdict;              // the delivered copy's, or the message's when nobody gets one
    ActionPlan plan;              // what happens to each recipient's copy
    MessageAnswer answer;         // the plan collapsed into one answer for the MTA
    std::string store_failures;   // stores that could not be read: judged without them
    std::size_t store_waits = 0;  // times the message waited for Redis (0 or 1)
};

class ContentStage {
  public:
    ContentStage(const Config& config, const Services& services);
    ~ContentStage();

    const MimeParser& parser() const { return parser_; }
    boost::asio::awaitable<ContentDecision> decide(ContentInput input,
                                                   ContentOptions options = {}) const;
    // The same for a message already parsed (tests).
    boost::asio::awaitable<ContentDecision> decide(std::shared_ptr<const Message> message,
                                                   std::vector<Symbol> policySymbols,
                                                   ContentOptions options = {}) const;
    // decide() run to completion on the calling thread (libmilter's worker threads,
    // `mailgatectl scan`, tests); the Redis client's own thread answers its reads.
    ContentDecision decideNow(ContentInput input, ContentOptions options = {}) const;
    ContentDecision decideNow(std::shared_ptr<const Message> message,
                              std::vector<Symbol> policySymbols, ContentOptions options = {}) const;

    // Why a message must not be scanned ("" when it must): too big, or from an
    // authenticated sender with content.filter_authenticated off.
    std::string reasonNotToScan(const MessageEnvelope& envelope, std::uint64_t size) const;
    // Mail from outside: not authenticated and not from the trusted networks.
    bool isInbound(const MessageEnvelope& envelope) const;
    // The verdict of a message that is not scanned: accepted untouched.
    static Verdict unscannedVerdict(std::string reason);
    // The checks of each phase, for logs and docs.
    std::vector<std::string> checkNames() const;

  private:
    ContentDecision unscanned(const MessageEnvelope& envelope, std::string reason) const;
    ContentDecision judge(ContentTransaction& transaction) const;
    // The store batch and the checks' network lookups, at once; the Redis waits it took.
    boost::asio::awaitable<std::size_t> gatherAndPrefetch(ContentTransaction& transaction,
                                                          RedisBatch& batch) const;

    ContentSettings settings_;
    MimeParser parser_;
    Scorer scorer_;
    RelayDomains relay_;
    Services services_;
    std::vector<std::unique_ptr<ContentCheck>> pre_filters_;
    std::vector<std::unique_ptr<ContentCheck>> filters_;
    std::vector<std::unique_ptr<ContentCheck>> post_filters_;
    std::vector<const ContentCheck*> gathering_;  // the checks whose gather() runs
};

MimeLimits mimeLimitsFrom(const ContentSettings& settings);

}  // namespace mailgate
