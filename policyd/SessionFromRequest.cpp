// Policy request attributes to SmtpSession (see SessionFromRequest.hpp).
#include "policyd/SessionFromRequest.hpp"

#include <charconv>

namespace mailgate {
namespace {

std::uint64_t numberOr0(std::string_view text) {
    std::uint64_t value = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    return error == std::errc() && end == text.data() + text.size() ? value : 0;
}

}  // namespace

Result<SmtpSession> smtpSessionFromRequest(const PolicyRequest& request) {
    SmtpSession session;
    auto stage = smtpStageFromPostfix(request.protocolState());
    if (!stage) {
        return makeError("unknown protocol_state \"" + std::string(request.protocolState()) + "\"");
    }
    session.stage = *stage;
    auto address = IpAddress::parse(request.get("client_address"));
    if (!address) {
        return makeError("client_address: " + address.error());
    }
    session.client_address = *address;
    session.client_name = std::string(request.get("client_name"));
    session.helo = std::string(request.get("helo_name"));
    session.sender = std::string(request.get("sender"));
    if (auto recipient = request.get("recipient"); !recipient.empty()) {
        session.recipients.emplace_back(recipient);
    }
    session.recipient_count = numberOr0(request.get("recipient_count"));
    session.message_size = numberOr0(request.get("size"));
    session.authenticated_user = std::string(request.get("sasl_username"));
    return session;
}

}  // namespace mailgate
