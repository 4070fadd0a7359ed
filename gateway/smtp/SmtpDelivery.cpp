// One SMTP transaction from MAIL FROM to the final dot (see SmtpDelivery.hpp).
#include "gateway/smtp/SmtpDelivery.hpp"

#include <utility>

namespace mailgate {

namespace asio = boost::asio;

namespace {

SmtpDeliveryReport unaskedReport(const std::vector<std::string>& recipients) {
    SmtpDeliveryReport report;
    for (const auto& recipient : recipients) {
        report.recipients.push_back(SmtpRecipientAnswer{recipient, std::nullopt});
    }
    return report;
}

SmtpFailure noRecipients() {
    return SmtpFailure{SmtpStage::Rcpt, std::nullopt, "no recipients"};
}

// Ends a refused transaction so the session can serve another one.
asio::awaitable<void> resetAfterRefusal(SmtpClient& client) {
    if (client.connected()) {
        auto reset = co_await client.reset();
        if (!reset) {
            client.close();  // a session that cannot RSET cannot be trusted with another
        }
    }
}

// Of two refusals, the one to report: a temporary one wins, so that a mix of "mailbox
// full" and "unknown user" is retried rather than given up.
bool betterRefusal(const SmtpFailure& candidate, const std::optional<SmtpFailure>& current) {
    return !current || (current->permanent() && !candidate.permanent());
}

}  // namespace

bool SmtpDeliveryReport::deliveredTo(std::string_view recipient) const {
    if (!delivered()) {
        return false;
    }
    for (const auto& answer : recipients) {
        if (answer.recipient == recipient && answer.accepted()) {
            return true;
        }
    }
    return false;
}

asio::awaitable<SmtpDeliveryReport> sendMessage(SmtpClient& client, std::string sender,
                                                std::vector<std::string> recipients,
                                                std::string_view message) {
    SmtpDeliveryReport report = unaskedReport(recipients);
    if (recipients.empty()) {
        report.failure = noRecipients();
        co_return report;
    }
    SmtpDataBlock block = SmtpDataBlock::encode(message);
    SmtpMailParameters parameters = SmtpMailParameters::forMessage(block, sender, recipients);
    auto mail = co_await client.mailFrom(std::move(sender), parameters);
    if (!mail) {
        report.failure = mail.failure();
        co_await resetAfterRefusal(client);
        co_return report;
    }
    std::optional<SmtpFailure> refusal;
    std::size_t accepted = 0;
    for (auto& answer : report.recipients) {
        auto rcpt = co_await client.rcptTo(answer.recipient);
        if (rcpt) {
            answer.reply = std::move(*rcpt);
            ++accepted;
            continue;
        }
        const SmtpFailure& failure = rcpt.failure();
        answer.reply = failure.reply;
        if (!failure.reply || !client.connected()) {
            report.failure = failure;  // the session is gone: nobody gets the message
            co_return report;
        }
        if (betterRefusal(failure, refusal)) {
            refusal = failure;
        }
    }
    if (accepted == 0) {
        report.failure = std::move(refusal);
        report.failure->error = "no recipient accepted";
        co_await resetAfterRefusal(client);
        co_return report;
    }
    auto final = co_await client.data(block);
    if (final) {
        report.final_reply = std::move(*final);
        co_return report;
    }
    report.failure = final.failure();
    if (final.failure().stage == SmtpStage::FinalDot) {
        report.final_reply = final.failure().reply;
    }
    co_await resetAfterRefusal(client);
    co_return report;
}

asio::awaitable<SmtpDeliveryReport> deliverMessage(SmtpClientSettings settings, SmtpServer server,
                                                   std::string sender,
                                                   std::vector<std::string> recipients,
                                                   std::string_view message) {
    if (recipients.empty()) {
        SmtpDeliveryReport report;
        report.failure = noRecipients();
        co_return report;
    }
    auto executor = co_await asio::this_coro::executor;
    SmtpClient client(executor, std::move(settings));
    auto opened = co_await client.open(std::move(server));
    if (!opened) {
        SmtpDeliveryReport report = unaskedReport(recipients);
        report.failure = opened.failure();
        co_return report;
    }
    SmtpDeliveryReport report =
        co_await sendMessage(client, std::move(sender), std::move(recipients), message);
    if (client.connected()) {
        auto ignored = co_await client.quit();  // the outcome is known; QUIT is a courtesy
        (void)ignored;
    }
    co_return report;
}

}  // namespace mailgate
