// Recipient count and message size limits (see MessageLimitsCheck.hpp).
#include "gateway/checks/limits/MessageLimitsCheck.hpp"

#include <string>

namespace mailgate {

bool MessageLimitsCheck::appliesAt(SmtpStage stage) const {
    return stage == SmtpStage::Mail || stage == SmtpStage::Rcpt || stage == SmtpStage::Data ||
           stage == SmtpStage::EndOfMessage;
}

CheckOutcome MessageLimitsCheck::judge(const SmtpSession& session) const {
    CheckOutcome outcome;
    // Before END-OF-MESSAGE the size is the one declared with MAIL FROM SIZE= (0 if none).
    if (max_message_size_ > 0 && session.message_size > max_message_size_) {
        outcome.addSymbol("MESSAGE_TOO_BIG", 0.0,
                          std::to_string(session.message_size) + " bytes, limit " +
                              std::to_string(max_message_size_));
        outcome.reply = rejectReply(
            "5.3.4",
            "Message size exceeds the limit of " + std::to_string(max_message_size_) + " bytes",
            552);
        return outcome;
    }
    if (max_recipients_ == 0) {
        return outcome;
    }
    if (session.stage == SmtpStage::Rcpt && session.recipient_count >= max_recipients_) {
        outcome.addSymbol("TOO_MANY_RECIPIENTS", 0.0,
                          "limit " + std::to_string(max_recipients_) + " per message");
        outcome.reply = temporaryFailureReply("4.5.3", "Too many recipients", 452);
    } else if ((session.stage == SmtpStage::Data || session.stage == SmtpStage::EndOfMessage) &&
               session.recipient_count > max_recipients_) {
        outcome.addSymbol("TOO_MANY_RECIPIENTS", 0.0,
                          std::to_string(session.recipient_count) + " recipients, limit " +
                              std::to_string(max_recipients_));
        outcome.reply = rejectReply("5.5.3", "Too many recipients", 550);
    }
    return outcome;
}

boost::asio::awaitable<CheckOutcome> MessageLimitsCheck::check(const SmtpSession& session,
                                                               DnsLookup&) const {
    co_return judge(session);
}

namespace {

std::vector<std::string> limitsSymbols(const Config&) {
    return {"MESSAGE_TOO_BIG", "TOO_MANY_RECIPIENTS"};
}

std::unique_ptr<SmtpStageCheck> makeLimitsCheck(const Config& config, const Services&) {
    if (config.limits.max_recipients <= 0 && config.limits.max_message_size <= 0) {
        return nullptr;
    }
    return std::make_unique<MessageLimitsCheck>(config.limits);
}

}  // namespace

CheckDescriptor limitsCheckDescriptor() {
    CheckDescriptor descriptor;
    descriptor.name = "limits";
    descriptor.stage = CheckStage::Smtp;
    descriptor.phase = CheckPhase::PreFilter;
    descriptor.config_section = "limits";
    descriptor.symbols = limitsSymbols;
    descriptor.make_smtp_check = makeLimitsCheck;
    return descriptor;
}

}  // namespace mailgate
