// SmtpServerReply: one reply a remote SMTP server sent to mailgate's SMTP client (greeting,
// EHLO, MAIL, RCPT, DATA, end of data): the 3-digit code, the RFC 3463 enhanced status
// code when the server gave one, and the text of each line. It is what the server said,
// not what mailgate answers its own clients (that is SmtpReply in engine/CheckOutcome.hpp).
// SmtpReplyClass sorts a code into success, intermediate, temporary and permanent failure;
// it does not decide what a caller makes of a reply at a given stage.
#pragma once

#include <string>
#include <vector>

namespace mailgate {

enum class SmtpReplyClass { Success, Intermediate, TemporaryFailure, PermanentFailure };

// 2xx Success, 3xx Intermediate (354 to DATA), 4xx TemporaryFailure, 5xx PermanentFailure.
// Any other code is treated as a temporary failure: never give up for good on nonsense.
SmtpReplyClass smtpReplyClass(int code);
const char* smtpReplyClassName(SmtpReplyClass replyClass);

struct SmtpServerReply {
    int code = 0;
    // "4.2.2" when the first line carried an enhanced status code whose class matches the
    // reply code's first digit; "" otherwise.
    std::string enhanced_status;
    // The text of each line after "250-" or "250 ", with the enhanced status code taken
    // off the lines that repeat it. EHLO keywords are read from these lines.
    std::vector<std::string> lines;

    SmtpReplyClass replyClass() const { return smtpReplyClass(code); }
    bool success() const { return replyClass() == SmtpReplyClass::Success; }
    // The lines joined by a space: "mailbox full".
    std::string text() const;
    // "452 4.2.2 mailbox full", one line for logs and error messages.
    std::string toString() const;
};

}  // namespace mailgate
