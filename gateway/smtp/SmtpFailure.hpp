// SmtpFailure and SmtpResult<T> (a Result<T, SmtpFailure>): how each step of mailgate's SMTP client
// fails, as a value: the stage it failed at and either the server's reply ({Rcpt, 452 4.2.2 mailbox
// full}) or a local error ({Connect, connection refused}, {Data, timed out after 5000 ms}). Only a
// 5xx reply is a permanent failure; a connection problem, a timeout, a garbled reply or
// an unexpected code is temporary. Callers decide what a stage's failure means to them
// (a callout's 550 at Rcpt is "unknown user"; a 550 at Greeting is not).
#pragma once

#include <optional>
#include <string>

#include "gateway/smtp/SmtpServerReply.hpp"
#include "gateway/util/Result.hpp"

namespace mailgate {

enum class SmtpStage {
    Connect,    // name resolution and TCP connection
    Greeting,   // the server's 220 banner
    Ehlo,       // EHLO
    Helo,       // HELO, after EHLO got a 5xx
    StartTls,   // STARTTLS, the TLS handshake and the EHLO after it
    Mail,       // MAIL FROM
    Rcpt,       // RCPT TO
    Data,       // the DATA command, until its 354
    DataBlock,  // writing the message
    FinalDot,   // the reply to the final "."
    Rset,       // RSET
    Quit,       // QUIT
};

const char* smtpStageName(SmtpStage stage);

struct SmtpFailure {
    SmtpStage stage = SmtpStage::Connect;
    // The server's answer when there was one: a refusal, or a code this step did not expect.
    std::optional<SmtpServerReply> reply;
    // What went wrong when the server gave no usable answer ("" when `reply` says it all).
    std::string error;

    // PermanentFailure only for a 5xx reply; TemporaryFailure for everything else.
    SmtpReplyClass replyClass() const;
    bool permanent() const { return replyClass() == SmtpReplyClass::PermanentFailure; }
    // "rcpt: 452 4.2.2 mailbox full", "connect: connection refused".
    std::string toString() const;
};

// A step's reply (or capabilities), or how it failed.
template <class T>
using SmtpResult = Result<T, SmtpFailure>;

}  // namespace mailgate
