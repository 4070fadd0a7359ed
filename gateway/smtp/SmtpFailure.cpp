// Names and text of SMTP client failures (see SmtpFailure.hpp).
#include "gateway/smtp/SmtpFailure.hpp"

namespace mailgate {

const char* smtpStageName(SmtpStage stage) {
    switch (stage) {
        case SmtpStage::Connect:
            return "connect";
        case SmtpStage::Greeting:
            return "greeting";
        case SmtpStage::Ehlo:
            return "ehlo";
        case SmtpStage::Helo:
            return "helo";
        case SmtpStage::StartTls:
            return "starttls";
        case SmtpStage::Mail:
            return "mail";
        case SmtpStage::Rcpt:
            return "rcpt";
        case SmtpStage::Data:
            return "data";
        case SmtpStage::DataBlock:
            return "data_block";
        case SmtpStage::FinalDot:
            return "final_dot";
        case SmtpStage::Rset:
            return "rset";
        case SmtpStage::Quit:
            return "quit";
    }
    return "unknown";
}

SmtpReplyClass SmtpFailure::replyClass() const {
    if (reply && reply->replyClass() == SmtpReplyClass::PermanentFailure) {
        return SmtpReplyClass::PermanentFailure;
    }
    return SmtpReplyClass::TemporaryFailure;
}

std::string SmtpFailure::toString() const {
    std::string out = smtpStageName(stage);
    out += ": ";
    if (reply) {
        out += reply->toString();
        if (!error.empty()) {
            out += " (" + error + ")";
        }
    } else {
        out += error;
    }
    return out;
}

}  // namespace mailgate
