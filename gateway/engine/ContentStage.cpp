// The content stage of one snapshot (see ContentStage.hpp).
#include "gateway/engine/ContentStage.hpp"

#include "gateway/engine/CheckRegistry.hpp"
#include "gateway/engine/RedisBatch.hpp"
#include "gateway/util/AwaitAll.hpp"
#include "gateway/util/RunBlocking.hpp"

namespace mailgate {
namespace {

// The copy that is delivered carries the verdict of the spammiest recipient it goes to,
// so no recipient's copy hides that the message is spam.
const Verdict* spammiestAccepted(const std::vector<RecipientDecision>& recipients) {
    const Verdict* chosen = nullptr;
    for (const auto& recipient : recipients) {
        const Verdict& verdict = recipient.verdict;
        if (verdict.action != VerdictAction::Accept) {
            continue;
        }
        if (!chosen || (verdict.spam && !chosen->spam) ||
            (verdict.spam == chosen->spam && verdict.score > chosen->score)) {
            chosen = &verdict;
        }
    }
    return chosen;
}

RecipientAction actionFor(const RecipientDecision& recipient) {
    RecipientAction action;
    action.recipient = recipient.recipient;
    switch (recipient.verdict.action) {
        case VerdictAction::Accept:
            action.kind = RecipientActionKind::Accept;
            break;
        case VerdictAction::Delete:
            action.kind = RecipientActionKind::Delete;
            break;
        case VerdictAction::Reject:
            action.kind = RecipientActionKind::Reject;
            break;
        case VerdictAction::Tempfail:
            action.kind = RecipientActionKind::Tempfail;
            break;
        case VerdictAction::Quarantine:
            action.kind = RecipientActionKind::Quarantine;
            break;
    }
    action.reply = recipient.verdict.reply;
    return action;
}

std::vector<std::unique_ptr<ContentCheck>> checksOf(const Config& config, const Services& services,
                                                    CheckPhase phase) {
    std::vector<std::unique_ptr<ContentCheck>> checks;
    for (const auto& descriptor : checkRegistry()) {
        if (descriptor.stage == CheckStage::Content && descriptor.phase == phase) {
            if (auto check = descriptor.make_content_check(config, services)) {
                checks.push_back(std::move(check));
            }
        }
    }
    return checks;
}

}  // namespace

MimeLimits mimeLimitsFrom(const ContentSettings& settings) {
    MimeLimits limits;
    limits.max_depth = static_cast<std::size_t>(settings.max_mime_depth);
    limits.max_parts = static_cast<std::size_t>(settings.max_mime_parts);
    limits.max_decoded_bytes = static_cast<std::uint64_t>(settings.max_decoded_bytes);
    limits.max_text_bytes = static_cast<std::uint64_t>(settings.max_text_bytes);
    return limits;
}

ContentStage::ContentStage(const Config& config, const Services& services)
    : settings_(config.content),
      parser_(mimeLimitsFrom(config.content)),
      scorer_(config.scoring),
      relay_(config.relay),
      services_(services),
      pre_filters_(checksOf(config, services, CheckPhase::PreFilter)),
      filters_(checksOf(config, services, CheckPhase::Filter)),
      post_filters_(checksOf(config, services, CheckPhase::PostFilter)) {
    for (const auto* phase : {&pre_filters_, &filters_, &post_filters_}) {
        for (const auto& check : *phase) {
            if (check->gathers()) {
                gathering_.push_back(check.get());
            }
        }
    }
}

ContentStage::~ContentStage() = default;

std::vector<std::string> ContentStage::checkNames() const {
    std::vector<std::string> names;
    for (const auto* phase : {&pre_filters_, &filters_, &post_filters_}) {
        for (const auto& check : *phase) {
            names.emplace_back(check->name());
        }
    }
    return names;
}

std::string ContentStage::reasonNotToScan(const MessageEnvelope& envelope,
                                          std::uint64_t size) const {
    if (size > static_cast<std::uint64_t>(settings_.max_message_size)) {
        return "larger than content.max_message_size";
    }
    if (envelope.authenticated() && !settings_.filter_authenticated) {
        return "authenticated sender, content.filter_authenticated off";
    }
    return {};
}

bool ContentStage::isInbound(const MessageEnvelope& envelope) const {
    if (envelope.authenticated()) {
        return false;
    }
    auto client = IpAddress::parse(envelope.client_address);
    return !(client && relay_.isTrustedClient(*client));
}

Verdict ContentStage::unscannedVerdict(std::string reason) {
    Verdict verdict;
    verdict.scanned = false;
    verdict.not_scanned_reason = reason;
    verdict.reason = "not scanned: " + reason;
    return verdict;
}

ContentDecision ContentStage::unscanned(const MessageEnvelope& envelope, std::string reason) const {
    ContentDecision decision;
    decision.verdict = unscannedVerdict(std::move(reason));
    for (const auto& recipient : envelope.recipients) {
        decision.recipients.push_back({recipient, decision.verdict, {}});
        decision.plan.recipients.push_back({recipient, RecipientActionKind::Accept, {}, {}, false});
    }
    decision.answer = decision.plan.collapse();
    return decision;
}

boost::asio::awaitable<ContentDecision> ContentStage::decide(ContentInput input,
                                                             ContentOptions options) const {
    auto why = reasonNotToScan(input.envelope, input.size);
    if (!why.empty()) {
        auto decision = unscanned(input.envelope, why);
        decision.policy_symbols = std::move(input.policy_symbols);
        co_return decision;
    }
    MimeLimits limits = parser_.limits();
    limits.digests = options.digests;
    MimeParser parser(limits);
    auto message = std::make_shared<const Message>(
        input.file.empty() ? parser.parse(input.memory, input.envelope)
                           : parser.parseFile(input.file.string(), input.envelope));
    co_return co_await decide(std::move(message), std::move(input.policy_symbols), options);
}

boost::asio::awaitable<ContentDecision> ContentStage::decide(std::shared_ptr<const Message> message,
                                                             std::vector<Symbol> policySymbols,
                                                             ContentOptions options) const {
    ContentTransaction transaction(*message, std::move(policySymbols), scorer_, services_,
                                   options.learns);
    RedisBatch batch;
    for (const auto* phase : {&pre_filters_, &filters_, &post_filters_}) {
        for (const auto& check : *phase) {
            check->prefetch(transaction, batch);
        }
    }
    std::size_t waits = co_await gatherAndPrefetch(transaction, batch);
    for (const auto& check : pre_filters_) {
        check->run(transaction);
    }
    if (!transaction.filtersSkipped()) {
        for (const auto& check : filters_) {
            check->run(transaction);
        }
    }
    for (const auto& check : post_filters_) {
        check->run(transaction);
    }
    ContentDecision decision = judge(transaction);
    decision.message = std::move(message);
    decision.store_waits = waits;
    co_return decision;
}

boost::asio::awaitable<std::size_t> ContentStage::gatherAndPrefetch(ContentTransaction& transaction,
                                                                    RedisBatch& batch) const {
    if (gathering_.empty()) {
        co_return co_await batch.run(services_.redis.get());
    }
    // The store batch and every check's network lookups at once; each gather ends by its
    // own deadline, so waiting for all of them is bounded.
    std::vector<boost::asio::awaitable<std::size_t>> tasks;
    tasks.push_back(batch.run(services_.redis.get()));
    for (const auto* check : gathering_) {
        tasks.push_back([](const ContentCheck* gatherer,
                           ContentTransaction& into) -> boost::asio::awaitable<std::size_t> {
            co_await gatherer->gather(into);
            co_return 0;
        }(check, transaction));
    }
    auto finished = co_await awaitAll(std::move(tasks));
    co_return finished.front();
}

ContentDecision ContentStage::judge(ContentTransaction& transaction) const {
    ContentDecision decision;
    decision.checks = transaction.checks();
    decision.policy_symbols = transaction.policySymbols();
    decision.store_failures = transaction.storeFailures();
    std::optional<std::string> subject;
    if (const auto* header = transaction.message().firstHeader("Subject")) {
        subject = header->raw_value;
    }
    bool inbound = isInbound(transaction.envelope());
    for (const auto& judgement : transaction.recipients()) {
        std::vector<Symbol> symbols = transaction.symbols();
        for (const auto& finding : judgement.findings) {
            symbols.insert(symbols.end(), finding.outcome.symbols.begin(),
                           finding.outcome.symbols.end());
        }
        decision.recipients.push_back({judgement.recipient,
                                       scorer_.decide(std::move(symbols), transaction.reject(),
                                                      subject, inbound, judgement.classification),
                                       judgement.findings});
    }
    for (const auto& recipient : decision.recipients) {
        decision.plan.recipients.push_back(actionFor(recipient));
    }
    decision.answer = decision.plan.collapse();
    if (const Verdict* delivered = spammiestAccepted(decision.recipients)) {
        decision.verdict = *delivered;
    } else {
        // Nobody accepts it: a reject if anyone's verdict is one, else the first's.
        decision.verdict = decision.recipients.front().verdict;
        for (const auto& recipient : decision.recipients) {
            if (recipient.verdict.action == VerdictAction::Reject) {
                decision.verdict = recipient.verdict;
                break;
            }
        }
    }
    // Recipients whose own verdict is reject get the copy anyway (ActionPlan): it must
    // then be marked as spam if theirs says spam and the accepted ones' did not.
    if (decision.answer.kind == MessageAnswer::Kind::Accept && !decision.verdict.spam) {
        for (const auto& recipient : decision.recipients) {
            if (recipient.verdict.action == VerdictAction::Reject && recipient.verdict.spam) {
                decision.verdict = scorer_.deliveredTagged(recipient.verdict, subject, inbound);
                break;
            }
        }
    }
    return decision;
}

ContentDecision ContentStage::decideNow(ContentInput input, ContentOptions options) const {
    return runBlocking(decide(std::move(input), options));
}

ContentDecision ContentStage::decideNow(std::shared_ptr<const Message> message,
                                        std::vector<Symbol> policySymbols,
                                        ContentOptions options) const {
    return runBlocking(decide(std::move(message), std::move(policySymbols), options));
}

}  // namespace mailgate
