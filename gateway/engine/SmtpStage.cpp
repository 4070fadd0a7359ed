// Names of the SMTP stages (see SmtpStage.hpp).
#include "gateway/engine/SmtpStage.hpp"

namespace mailgate {

std::optional<SmtpStage> smtpStageFromPostfix(std::string_view state) {
    struct Name {
        std::string_view text;
        SmtpStage stage;
    };
    static constexpr Name kNames[] = {
        {"CONNECT", SmtpStage::Connect},
        {"EHLO", SmtpStage::Helo},
        {"HELO", SmtpStage::Helo},
        {"MAIL", SmtpStage::Mail},
        {"RCPT", SmtpStage::Rcpt},
        {"DATA", SmtpStage::Data},
        {"END-OF-MESSAGE", SmtpStage::EndOfMessage},
        {"VRFY", SmtpStage::Vrfy},
        {"ETRN", SmtpStage::Etrn},
    };
    for (const auto& name : kNames) {
        if (name.text == state) {
            return name.stage;
        }
    }
    return std::nullopt;
}

}  // namespace mailgate
