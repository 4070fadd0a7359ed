// PolicyStageHeader: how the policy stage's results (score symbols, and the headers it
// wants added: Received-SPF, X-Greylist) reach the milter, which alone sees the message.
// The policy daemon PREPENDs one "X-Mailgate-Policy" header; its value names the client
// address, the envelope sender and the time, and ends in an HMAC-SHA256 of all that
// under policy_header.secret. The milter removes every X-Mailgate-Policy header and
// believes only those whose HMAC is right, whose client and sender are this message's
// and which are recent. So a sender can neither write one (no secret) nor replay one
// from another message (other client, sender or time). docs/policy-stage-scores.md.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/engine/CheckOutcome.hpp"
#include "gateway/util/Result.hpp"

namespace mailgate {

inline constexpr const char* kPolicyStageHeaderName = "X-Mailgate-Policy";

struct PolicyStageRecord {
    std::int64_t time = 0;  // Unix seconds when signed
    std::string client_address;
    std::string sender;
    std::vector<Symbol> symbols;
    std::vector<HeaderField> headers;
};

// The header's value: "v=1; t=...; c=...; s=...; y=...; h=...; sig=HEX".
std::string signPolicyStageRecord(const PolicyStageRecord& record, const std::string& secret);
// The record when the signature is right and the value well formed; an error otherwise.
// It does not judge client, sender or age: PolicyStageReader does.
Result<PolicyStageRecord> verifyPolicyStageHeader(std::string_view value,
                                                  const std::string& secret);

// What the milter makes of all X-Mailgate-Policy headers of one message.
struct PolicyStageReading {
    std::vector<Symbol> symbols;       // from every believed header; the highest score per name
    std::vector<HeaderField> headers;  // to add, each distinct one once
    int believed = 0;
    int refused = 0;
    std::string refusal;  // why the first refused one was, for the log
};

PolicyStageReading readPolicyStageHeaders(const std::vector<std::string>& values,
                                          const std::string& secret, std::string_view clientAddress,
                                          std::string_view sender, std::int64_t now,
                                          std::int64_t maxAge);

}  // namespace mailgate
