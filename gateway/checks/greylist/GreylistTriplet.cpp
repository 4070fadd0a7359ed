// Greylisting triplets and their key names (see GreylistTriplet.hpp).
#include "gateway/checks/greylist/GreylistTriplet.hpp"

#include "gateway/net/ClientPattern.hpp"

namespace mailgate {

std::string GreylistTriplet::tripletKey() const {
    return originKey() + ":" + (sender.empty() ? std::string("<>") : sender) + ":" + recipient;
}

std::string GreylistTriplet::originKey() const {
    return "greylist:{" + origin + "}";
}

std::string clientNetworkOrigin(const IpAddress& client, unsigned ipv4Prefix, unsigned ipv6Prefix) {
    unsigned prefix = client.isIpv4() ? ipv4Prefix : ipv6Prefix;
    auto network = IpNetwork::parse(client.toString() + "/" + std::to_string(prefix));
    return network ? network->toString() : client.toString();
}

std::string spfDomainOrigin(std::string_view domain) {
    return "spf:" + canonicalDomainName(domain);
}

bool parseTripletKey(std::string_view name, GreylistTriplet& triplet) {
    constexpr std::string_view kStart = "greylist:{";
    if (name.substr(0, kStart.size()) != kStart) {
        return false;
    }
    auto close = name.find("}:", kStart.size());
    if (close == std::string_view::npos) {
        return false;
    }
    triplet.origin = std::string(name.substr(kStart.size(), close - kStart.size()));
    std::string_view rest = name.substr(close + 2);
    // The recipient has no ':' of its own in practice; the sender may (rarely), so split
    // at the last one.
    auto colon = rest.rfind(':');
    if (colon == std::string_view::npos) {
        return false;
    }
    triplet.sender = std::string(rest.substr(0, colon));
    if (triplet.sender == "<>") {
        triplet.sender.clear();
    }
    triplet.recipient = std::string(rest.substr(colon + 1));
    return true;
}

}  // namespace mailgate
