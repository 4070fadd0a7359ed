// The Received-SPF header field of RFC 7208 section 9.1 for one SPF result: the result
// keyword, a comment a person can read, and the key-value pairs (client-ip,
// envelope-from, helo, receiver, identity, mechanism, problem) that tools parse. Values
// from the client are quoted or escaped so they can never end the header or forge a
// key. It returns the value only; the front end adds the header.
#pragma once

#include <string>

#include "gateway/spf/SpfEvaluator.hpp"
#include "gateway/spf/SpfResult.hpp"

namespace mailgate {

enum class SpfIdentity { MailFrom, Helo };

// The field value, unfolded: "pass (mx.example.org: domain of a@example.com designates
// 192.0.2.1 as permitted sender) client-ip=192.0.2.1; envelope-from=..."
std::string receivedSpfValue(const SpfResult& result, const SpfQuery& query, SpfIdentity identity,
                             const std::string& receiver);

}  // namespace mailgate
