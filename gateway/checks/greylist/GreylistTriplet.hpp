// GreylistTriplet: what greylisting remembers a delivery attempt by: its origin (the
// client's network, /24 IPv4 and /64 IPv6 by default, or "spf:DOMAIN" when SPF passed for
// the sender domain and greylist.key_on_spf_domain is on, so a sender's pool of outgoing
// servers counts as one), the normalised sender and the recipient. Also the Redis key
// names: the triplet and the origin's auto-whitelist record share the hash tag {origin},
// so one script can touch both on Redis Cluster. It does not talk to Redis.
#pragma once

#include <string>
#include <string_view>

#include "gateway/net/IpAddress.hpp"

namespace mailgate {

struct GreylistTriplet {
    std::string origin;     // "192.0.2.0/24", "2001:db8:1:2::/64" or "spf:example.com"
    std::string sender;     // normalised; "" for the null sender
    std::string recipient;  // lower case

    // "greylist:{ORIGIN}:SENDER:RECIPIENT" (the null sender is written "<>").
    std::string tripletKey() const;
    // "greylist:{ORIGIN}": the origin's delivery count for the auto-whitelist.
    std::string originKey() const;
};

// The client network for an address: "192.0.2.0/24" with prefix 24.
std::string clientNetworkOrigin(const IpAddress& client, unsigned ipv4Prefix, unsigned ipv6Prefix);
std::string spfDomainOrigin(std::string_view domain);

// The key-name parts back from a triplet key without the prefix, for mailgatectl;
// false when the name is not a triplet key.
bool parseTripletKey(std::string_view name, GreylistTriplet& triplet);

}  // namespace mailgate
