// RelayDomains: the domains this gateway accepts mail for and relays to the internal
// server (relay.domains), with or without their subdomains (relay.subdomains), and the
// trusted networks whose clients may relay anywhere (relay.trusted_networks). Built once
// per config snapshot; the relay check, the local-sender check and the front ends (to
// mark a session trusted) ask it. It does not decide what to do with the answer.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "gateway/config/Config.hpp"
#include "gateway/net/IpAddress.hpp"

namespace mailgate {

class RelayDomains {
  public:
    explicit RelayDomains(const RelaySettings& settings);

    // True for an address in one of the relay domains (or its subdomains when allowed).
    bool isLocalAddress(std::string_view address) const;
    bool isLocalDomain(std::string_view domain) const;
    bool isTrustedClient(const IpAddress& client) const;

  private:
    std::vector<std::string> domains_;  // canonical
    bool subdomains_ = false;
    std::vector<IpNetwork> trusted_;
};

}  // namespace mailgate
