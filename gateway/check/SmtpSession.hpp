// SmtpSession: what the SMTP stage knows about a client and its transaction, filled by a
// front end (the policy daemon from Postfix's attributes, the milter from its macros) and
// read by the connection-stage checks (DNSBL, SPF, PTR, HELO, sender domain). It holds
// facts only; the checks decide.
#pragma once

#include <string>
#include <vector>

#include "gateway/net/IpAddress.hpp"

namespace mailgate {

struct SmtpSession {
    IpAddress client_address;
    std::string client_name;  // the MTA's verified name, "unknown" or "" when none
    std::string helo;         // as the client sent it, "" before HELO/EHLO
    std::string sender;       // the envelope sender without <>, "" for the null sender
    std::vector<std::string> recipients;
    std::string authenticated_user;  // SASL login, "" when not authenticated
    bool trusted_network = false;    // the client is in mailgate's trusted networks

    bool authenticated() const { return !authenticated_user.empty(); }
};

}  // namespace mailgate
