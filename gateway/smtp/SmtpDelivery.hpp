// deliverMessage: one whole SMTP transaction with mailgate's SMTP client, for the
// quarantine's release: open a session, MAIL FROM, RCPT TO for each recipient, DATA with
// the recipients the server accepted, QUIT. The report gives each recipient's RCPT answer
// and the answer to the final dot; a recipient counts as delivered only when the server
// accepted it and then answered 250 to the final dot. It does not retry, record or log.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/smtp/SmtpClient.hpp"

namespace mailgate {

struct SmtpRecipientAnswer {
    std::string recipient;
    // The answer to its RCPT TO; none when the transaction failed before it was asked.
    std::optional<SmtpServerReply> reply;

    bool accepted() const { return reply && reply->success(); }
};

struct SmtpDeliveryReport {
    std::vector<SmtpRecipientAnswer> recipients;
    // The answer to the final dot, when the transaction got that far.
    std::optional<SmtpServerReply> final_reply;
    // Why the message was delivered to nobody: the stage and the reply or error. With
    // every recipient refused it is the Rcpt stage, with a 4xx reply if any was one.
    std::optional<SmtpFailure> failure;

    bool delivered() const { return !failure && final_reply && final_reply->code == 250; }
    bool deliveredTo(std::string_view recipient) const;
};

// The transaction on a session already open (client.open()); it leaves the session open,
// after RSET when it failed at a refusal, so the caller may QUIT or go on. `message` is
// the message as stored (any line endings); it must live until the coroutine returns.
boost::asio::awaitable<SmtpDeliveryReport> sendMessage(SmtpClient& client, std::string sender,
                                                       std::vector<std::string> recipients,
                                                       std::string_view message);

// A new connection to `server`, the transaction, then QUIT.
boost::asio::awaitable<SmtpDeliveryReport> deliverMessage(SmtpClientSettings settings,
                                                          SmtpServer server, std::string sender,
                                                          std::vector<std::string> recipients,
                                                          std::string_view message);

}  // namespace mailgate
