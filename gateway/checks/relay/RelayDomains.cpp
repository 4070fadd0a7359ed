// Relay domains and trusted networks (see RelayDomains.hpp).
#include "gateway/checks/relay/RelayDomains.hpp"

#include "gateway/net/MailAddress.hpp"

namespace mailgate {

RelayDomains::RelayDomains(const RelaySettings& settings) : subdomains_(settings.subdomains) {
    for (const auto& domain : settings.domains) {
        domains_.push_back(canonicalDomainName(domain));
    }
    for (const auto& text : settings.trusted_networks) {
        if (auto network = IpNetwork::parse(text)) {  // validated by the loader
            trusted_.push_back(*network);
        }
    }
}

bool RelayDomains::isLocalDomain(std::string_view domain) const {
    std::string name = canonicalDomainName(domain);
    for (const auto& ours : domains_) {
        if (name == ours || (subdomains_ && isDomainOrSubdomain(name, ours))) {
            return true;
        }
    }
    return false;
}

bool RelayDomains::isLocalAddress(std::string_view address) const {
    auto parts = MailAddress::split(address);
    return !parts.domain.empty() && isLocalDomain(parts.domain);
}

bool RelayDomains::isTrustedClient(const IpAddress& client) const {
    for (const auto& network : trusted_) {
        if (network.contains(client)) {
            return true;
        }
    }
    return false;
}

}  // namespace mailgate
