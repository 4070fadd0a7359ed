// MilterSession: what the milter knows about one MTA connection and the message in it,
// kept with smfi_setpriv because libmilter runs callbacks of one connection on different
// worker threads. Per-message fields are reset at each MAIL FROM and on abort (which also
// removes a spool file); the session is freed in the close callback. It holds data only:
// the message bytes as they arrive, the envelope, and which of our own header names came
// with the message (they are removed before ours are added).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "gateway/config/Config.hpp"
#include "gateway/message/Message.hpp"
#include "gateway/message/MessageBuffer.hpp"

namespace mailgate {

struct MilterSession {
    // Connection
    std::string client_address;
    std::string client_name;
    std::string helo;
    // What the MTA agreed not to wait for (negotiated per connection): those callbacks
    // must answer SMFIS_NOREPLY.
    bool no_reply_headers = false;
    bool no_reply_body = false;

    // Message
    ConfigSnapshot config;  // taken at MAIL FROM, kept until the message is done
    std::string mailgate_id;
    MessageEnvelope envelope;
    std::unique_ptr<MessageBuffer> buffer;
    std::string buffer_error;  // the spool file failed: the message is tempfailed
    std::uint64_t header_count = 0;
    std::uint64_t body_bytes = 0;
    bool subject_seen = false;
    // Occurrences of our own header names that arrived with the message, by lower-case
    // name, so each can be removed by index before ours are added.
    std::map<std::string, int> own_headers;
    // X-Mailgate-Policy values: the policy daemon's (prepended by Postfix) and any forged.
    std::vector<std::string> policy_headers;

    void startMessage() {
        config.reset();
        mailgate_id.clear();
        envelope = MessageEnvelope{};
        buffer.reset();
        buffer_error.clear();
        header_count = 0;
        body_bytes = 0;
        subject_seen = false;
        own_headers.clear();
        policy_headers.clear();
    }
};

}  // namespace mailgate
