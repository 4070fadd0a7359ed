// SmtpStage: the points of an SMTP session where a decision can be made, as Postfix's
// policy protocol names them (protocol_state) and as the milter's callbacks reach them.
// A check says at which stages it judges; the envelope checks (client, HELO, sender,
// recipient) judge from the first stage where their facts exist through RCPT, where
// Postfix asks by default (smtpd_delay_reject). It holds no facts: SmtpSession does.
#pragma once

#include <optional>
#include <string_view>

namespace mailgate {

enum class SmtpStage { Connect, Helo, Mail, Rcpt, Data, EndOfMessage, Vrfy, Etrn };

// "CONNECT", "EHLO" and "HELO" (both Helo), "MAIL", "RCPT", "DATA", "END-OF-MESSAGE",
// "VRFY", "ETRN"; nothing for any other text.
std::optional<SmtpStage> smtpStageFromPostfix(std::string_view state);

// True for the stages from `first` through RCPT (CONNECT < HELO < MAIL < RCPT).
inline bool isEnvelopeStageFrom(SmtpStage stage, SmtpStage first) {
    return static_cast<int>(stage) >= static_cast<int>(first) &&
           static_cast<int>(stage) <= static_cast<int>(SmtpStage::Rcpt);
}

}  // namespace mailgate
