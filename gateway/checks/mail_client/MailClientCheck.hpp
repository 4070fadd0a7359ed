// MailClientCheck (B4 header forensics, docs/content-checks.md): whether the header looks
// written by the mail client it names. Bulk tools copy a few fields of a popular client
// (X-Mailer, Microsoft's priority fields) without writing the rest of what that client
// writes. Symbols: MAIL_CLIENT_FORGED_OUTLOOK (X-Mailer names Outlook or Outlook Express,
// but neither X-MimeOLE nor Thread-Index, which those clients write, is there),
// MAIL_CLIENT_MICROSOFT_FIELDS_ALONE (X-MimeOLE or X-MSMail-Priority from a message whose
// X-Mailer or User-Agent names no Microsoft client), MESSAGE_ID_NOT_CLAIMED_CLIENTS (a
// client with a fixed Message-ID shape is named and the Message-ID has another shape),
// PRIORITY_HIGHEST (X-Priority 1), PRIORITY_WITHOUT_MAIL_CLIENT (an X-Priority field and no
// X-Mailer or User-Agent: a priority is a mail client's setting). Reads only the parsed
// message; scores are defaults the weight fitter (bench/fit_weights.py) refits. What the
// facts are measured to be on the training corpus: docs/content-checks.md.
#pragma once

#include <string_view>

#include "gateway/engine/CheckRegistry.hpp"
#include "gateway/engine/ContentCheck.hpp"

namespace mailgate {

class MailClientCheck final : public MessageCheck {
  public:
    std::string_view name() const override { return "mail_client"; }
    CheckOutcome check(const Message& message) const override;
};

// The mail client a message names, from its X-Mailer or else User-Agent field.
enum class NamedMailClient { None, OutlookExpress, Outlook, OtherMicrosoft, Other };
NamedMailClient namedMailClient(const Message& message);

// Whether a Message-ID (with or without <>) has the shape Outlook Express, Windows Mail and
// Windows Live Mail write: 12 hex digits, "$", 8 hex, "$", 8 hex, "@", a host.
bool hasOutlookExpressMessageIdShape(std::string_view messageId);

CheckDescriptor mailClientCheckDescriptor();

}  // namespace mailgate
