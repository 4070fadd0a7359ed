// The decision for a policy request, and its log line (see PolicyDecider.hpp).
#include "policyd/PolicyDecider.hpp"

namespace mailgate {

PolicyReply PolicyDecider::decide(const PolicyRequest& request, const Config& config) {
    PolicyReply reply;
    LogLine line("policy_decision");
    line.add("queue_id", request.queueId())
        .add("protocol_state", request.protocolState())
        .add("instance", request.get("instance"))
        .add("client_address", request.get("client_address"))
        .add("client_name", request.get("client_name"))
        .add("helo_name", request.get("helo_name"))
        .add("sender", request.get("sender"))
        .add("recipient", request.get("recipient"))
        .add("sasl_username", request.get("sasl_username"))
        .add("action", reply.action)
        .add("config_generation", static_cast<std::uint64_t>(config.generation));
    logger_.info(line);
    return reply;
}

}  // namespace mailgate
