// MilterSession: what the milter knows about one MTA connection and the message in it,
// kept with smfi_setpriv because libmilter runs callbacks of one connection on different
// worker threads. Per-message fields are reset at each MAIL FROM and on abort; the
// session is freed in the close callback. It holds data only, no logic.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "gateway/config/Config.hpp"

namespace mailgate {

struct MilterSession {
    // Connection
    std::string client_address;
    std::string client_name;
    std::string helo;

    // Message
    ConfigSnapshot config;  // taken at MAIL FROM, kept until the message is done
    std::string mailgate_id;
    std::string queue_id;
    std::string sender;
    std::string authenticated_user;
    std::vector<std::string> recipients;
    std::uint64_t header_count = 0;
    std::uint64_t body_bytes = 0;
    int forged_id_headers = 0;  // X-Mailgate-Id headers that arrived with the message
    // X-Mailgate-Policy values: the policy daemon's (prepended by Postfix) and any forged.
    std::vector<std::string> policy_headers;

    void startMessage() {
        config.reset();
        mailgate_id.clear();
        queue_id.clear();
        sender.clear();
        authenticated_user.clear();
        recipients.clear();
        header_count = 0;
        body_bytes = 0;
        forged_id_headers = 0;
        policy_headers.clear();
    }
};

}  // namespace mailgate
