// ReceivedChainCheck (B4 header forensics, docs/content-checks.md): the Received trace
// fields, read for the hop where the message entered the Internet-facing side: the topmost
// field naming a public client address outside relay.trusted_networks. Behind mailgate
// that is the field Postfix wrote for this very connection (milters see it), so the facts
// are the ones the policy stage saw; `mailgatectl scan` of a stored message finds the same
// hop in the message's own chain. Symbols: RECEIVED_CLIENT_NO_RDNS (the receiving server
// wrote that the client had no reverse DNS name), RECEIVED_CLIENT_DYNAMIC (its reverse name
// looks like a residential or dynamic pool: the address's digits, or words such as dsl,
// dial-up, pool, cable), RECEIVED_HELO_NOT_A_NAME (the client greeted with an address or a
// name without a dot), RECEIVED_DATES_OUT_OF_ORDER (a lower, earlier hop is dated more than
// a day after a hop above it: a trace field written by the sender's tool, not a server).
// Reads only the parsed message; scores are defaults bench/fit_weights.py refits.
#pragma once

#include <vector>

#include "gateway/engine/CheckRegistry.hpp"
#include "gateway/engine/ContentCheck.hpp"
#include "gateway/mime/ReceivedField.hpp"
#include "gateway/net/IpAddress.hpp"

namespace mailgate {

class ReceivedChainCheck final : public MessageCheck {
  public:
    explicit ReceivedChainCheck(std::vector<IpNetwork> trustedNetworks);
    std::string_view name() const override { return "received_chain"; }
    CheckOutcome check(const Message& message) const override;

  private:
    bool isEntryHop(const ReceivedField& field) const;

    std::vector<IpNetwork> trusted_;  // relay.trusted_networks and private ranges
};

// Whether a reverse DNS name looks like one of an address pool (residential, dynamic).
bool looksDynamic(std::string_view reverseName, std::string_view address);

CheckDescriptor receivedChainCheckDescriptor();

}  // namespace mailgate
