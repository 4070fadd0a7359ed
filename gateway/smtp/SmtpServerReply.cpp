// Reply classes and the text of a remote server's reply (see SmtpServerReply.hpp).
#include "gateway/smtp/SmtpServerReply.hpp"

namespace mailgate {

SmtpReplyClass smtpReplyClass(int code) {
    switch (code / 100) {
        case 2:
            return SmtpReplyClass::Success;
        case 3:
            return SmtpReplyClass::Intermediate;
        case 5:
            return SmtpReplyClass::PermanentFailure;
        default:
            return SmtpReplyClass::TemporaryFailure;
    }
}

const char* smtpReplyClassName(SmtpReplyClass replyClass) {
    switch (replyClass) {
        case SmtpReplyClass::Success:
            return "success";
        case SmtpReplyClass::Intermediate:
            return "intermediate";
        case SmtpReplyClass::TemporaryFailure:
            return "temporary";
        case SmtpReplyClass::PermanentFailure:
            return "permanent";
    }
    return "temporary";
}

std::string SmtpServerReply::text() const {
    std::string joined;
    for (const auto& line : lines) {
        if (!joined.empty() && !line.empty()) {
            joined += ' ';
        }
        joined += line;
    }
    return joined;
}

std::string SmtpServerReply::toString() const {
    std::string out = std::to_string(code);
    if (!enhanced_status.empty()) {
        out += ' ';
        out += enhanced_status;
    }
    std::string joined = text();
    if (!joined.empty()) {
        out += ' ';
        out += joined;
    }
    return out;
}

}  // namespace mailgate
