// SmtpSession: what the SMTP stage knows about a client and its transaction, filled by a
// front end (the policy daemon from Postfix's attributes, the milter from its macros) and
// read by the SMTP-stage checks (access lists, relay, DNSBL, SPF, PTR, HELO, sender,
// limits, greylisting). It holds facts only; the checks decide.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "gateway/engine/SmtpFacts.hpp"
#include "gateway/engine/SmtpStage.hpp"
#include "gateway/net/IpAddress.hpp"

namespace mailgate {

struct SmtpSession {
    SmtpStage stage = SmtpStage::Rcpt;  // where the MTA is asking
    IpAddress client_address;
    std::string client_name;  // the MTA's verified name, "unknown" or "" when none
    std::string helo;         // as the client sent it, "" before HELO/EHLO
    std::string sender;       // the envelope sender without <>, "" for the null sender
    // At RCPT: the recipient asked about. At DATA and END-OF-MESSAGE: the only recipient
    // when there is one (Postfix sends none for several).
    std::vector<std::string> recipients;
    // Recipients accepted so far in this transaction (at RCPT: before this one).
    std::uint64_t recipient_count = 0;
    // The size the client declared with MAIL FROM SIZE=, or at END-OF-MESSAGE the real one.
    std::uint64_t message_size = 0;
    std::string authenticated_user;  // SASL login, "" when not authenticated
    bool trusted_network = false;    // the client is in relay.trusted_networks
    std::int64_t now = 0;            // the time of the request, Unix seconds
    // What the earlier phases established; the engine sets it before the post-filters.
    SmtpFacts facts;

    bool authenticated() const { return !authenticated_user.empty(); }
};

}  // namespace mailgate
