// MessageLimitsCheck (A5, docs/features.md): the most recipients per message and the largest
// message. From MAIL on, the size the client declared (SIZE=) is judged; at RCPT a recipient
// beyond the limit gets 452 4.5.3 (RFC 5321: the client sends the rest in another
// transaction); at DATA and END-OF-MESSAGE the count Postfix accepted and, at the end,
// the real size are judged, with 552 5.3.4 or 550 5.5.3. 0 means no limit. No DNS.
#pragma once

#include <cstdint>

#include "gateway/config/Config.hpp"
#include "gateway/engine/CheckRegistry.hpp"
#include "gateway/engine/SmtpStageCheck.hpp"

namespace mailgate {

class MessageLimitsCheck final : public SmtpStageCheck {
  public:
    explicit MessageLimitsCheck(const LimitSettings& settings)
        : max_recipients_(static_cast<std::uint64_t>(settings.max_recipients)),
          max_message_size_(static_cast<std::uint64_t>(settings.max_message_size)) {}

    std::string_view name() const override { return "limits"; }
    boost::asio::awaitable<CheckOutcome> check(const SmtpSession& session,
                                               DnsLookup& dns) const override;
    bool appliesAt(SmtpStage stage) const override;
    bool waits() const override { return false; }
    CheckOutcome unfinished() const override { return {}; }

    CheckOutcome judge(const SmtpSession& session) const;

  private:
    std::uint64_t max_recipients_;
    std::uint64_t max_message_size_;
};

CheckDescriptor limitsCheckDescriptor();

}  // namespace mailgate
