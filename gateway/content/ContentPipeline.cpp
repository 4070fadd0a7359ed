// The content stage of one snapshot (see ContentPipeline.hpp).
#include "gateway/content/ContentPipeline.hpp"

#include "gateway/content/BrokenMimeCheck.hpp"
#include "gateway/content/HeaderSyntaxCheck.hpp"

namespace mailgate {

MimeLimits mimeLimitsFrom(const ContentSettings& settings) {
    MimeLimits limits;
    limits.max_depth = static_cast<std::size_t>(settings.max_mime_depth);
    limits.max_parts = static_cast<std::size_t>(settings.max_mime_parts);
    limits.max_decoded_bytes = static_cast<std::uint64_t>(settings.max_decoded_bytes);
    limits.max_text_bytes = static_cast<std::uint64_t>(settings.max_text_bytes);
    return limits;
}

ContentPipeline::ContentPipeline(const Config& config)
    : settings_(config.content),
      parser_(mimeLimitsFrom(config.content)),
      scorer_(config.scoring),
      relay_(config.relay) {
    if (config.header_checks.action != ClientCheckAction::Off) {
        checks_.push_back(std::make_unique<HeaderSyntaxCheck>(config.header_checks));
    }
    if (config.mime_checks.enabled) {
        checks_.push_back(std::make_unique<BrokenMimeCheck>(config.mime_checks));
    }
}

std::string ContentPipeline::reasonNotToScan(const MessageEnvelope& envelope,
                                             std::uint64_t size) const {
    if (size > static_cast<std::uint64_t>(settings_.max_message_size)) {
        return "larger than content.max_message_size";
    }
    if (envelope.authenticated() && !settings_.filter_authenticated) {
        return "authenticated sender, content.filter_authenticated off";
    }
    return {};
}

bool ContentPipeline::isInbound(const MessageEnvelope& envelope) const {
    if (envelope.authenticated()) {
        return false;
    }
    auto client = IpAddress::parse(envelope.client_address);
    return !(client && relay_.isTrustedClient(*client));
}

Verdict ContentPipeline::unscanned(std::string reason) {
    Verdict verdict;
    verdict.scanned = false;
    verdict.not_scanned_reason = reason;
    verdict.reason = "not scanned: " + reason;
    return verdict;
}

ContentEvaluation ContentPipeline::evaluate(const Message& message,
                                            std::vector<Symbol> policySymbols) const {
    ContentEvaluation evaluation;
    std::vector<Symbol> symbols = policySymbols;
    std::optional<SmtpReply> reject;
    for (const auto& check : checks_) {
        CheckOutcome outcome = check->check(message);
        symbols.insert(symbols.end(), outcome.symbols.begin(), outcome.symbols.end());
        if (outcome.rejects() && !reject) {
            reject = outcome.reply;
        }
        evaluation.checks.push_back({std::string(check->name()), std::move(outcome)});
    }
    std::optional<std::string> subject;
    if (const auto* header = message.firstHeader("Subject")) {
        subject = header->raw_value;
    }
    evaluation.policy_symbols = std::move(policySymbols);
    evaluation.verdict =
        scorer_.decide(std::move(symbols), reject, subject, isInbound(message.envelope));
    return evaluation;
}

}  // namespace mailgate
