// IpAddress and IpNetwork parsing, formatting and prefix matching (see IpAddress.hpp).
#include "gateway/net/IpAddress.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cstring>

namespace mailgate {
namespace {

constexpr std::uint8_t kMappedPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

}  // namespace

Result<IpAddress> IpAddress::parse(std::string_view text) {
    if (text.empty() || text.size() > INET6_ADDRSTRLEN) {
        return makeError("not an IP address: \"" + std::string(text.substr(0, 64)) + "\"");
    }
    std::string copy(text);
    std::uint8_t buffer[16] = {};
    if (inet_pton(AF_INET, copy.c_str(), buffer) == 1) {
        return fromBytes(buffer, false);
    }
    if (inet_pton(AF_INET6, copy.c_str(), buffer) == 1) {
        return fromBytes(buffer, true);
    }
    return makeError("not an IP address: \"" + copy + "\"");
}

IpAddress IpAddress::fromBytes(const std::uint8_t* bytes, bool ipv6) {
    IpAddress address;
    if (ipv6 && std::memcmp(bytes, kMappedPrefix, sizeof kMappedPrefix) == 0) {
        std::memcpy(address.bytes_.data(), bytes + 12, 4);
        return address;
    }
    address.ipv6_ = ipv6;
    std::memcpy(address.bytes_.data(), bytes, ipv6 ? 16 : 4);
    return address;
}

std::string IpAddress::toString() const {
    char text[INET6_ADDRSTRLEN] = {};
    inet_ntop(ipv6_ ? AF_INET6 : AF_INET, bytes_.data(), text, sizeof text);
    return text;
}

std::string IpAddress::reversedName() const {
    static const char* kHex = "0123456789abcdef";
    std::string name;
    if (!ipv6_) {
        for (int i = 3; i >= 0; --i) {
            name += std::to_string(bytes_[static_cast<std::size_t>(i)]);
            if (i > 0) {
                name += '.';
            }
        }
        return name;
    }
    for (int i = 15; i >= 0; --i) {
        std::uint8_t byte = bytes_[static_cast<std::size_t>(i)];
        name += kHex[byte & 0x0f];
        name += '.';
        name += kHex[byte >> 4];
        if (i > 0) {
            name += '.';
        }
    }
    return name;
}

std::string IpAddress::pointerName() const {
    return reversedName() + (ipv6_ ? ".ip6.arpa" : ".in-addr.arpa");
}

bool IpAddress::samePrefix(const IpAddress& other, unsigned prefix) const {
    if (ipv6_ != other.ipv6_) {
        return false;
    }
    unsigned bits = static_cast<unsigned>(size()) * 8;
    if (prefix > bits) {
        prefix = bits;
    }
    unsigned whole = prefix / 8;
    if (std::memcmp(bytes_.data(), other.bytes_.data(), whole) != 0) {
        return false;
    }
    unsigned rest = prefix % 8;
    if (rest == 0) {
        return true;
    }
    auto mask = static_cast<std::uint8_t>(0xff << (8 - rest));
    return (bytes_[whole] & mask) == (other.bytes_[whole] & mask);
}

Result<IpNetwork> IpNetwork::parse(std::string_view text) {
    auto slash = text.find('/');
    auto address = IpAddress::parse(text.substr(0, slash));
    if (!address) {
        return makeError(address.error());
    }
    IpNetwork network;
    network.address_ = *address;
    unsigned bits = static_cast<unsigned>(address->size()) * 8;
    network.prefix_ = bits;
    if (slash != std::string_view::npos) {
        auto digits = text.substr(slash + 1);
        if (digits.empty() || digits.size() > 3 ||
            digits.find_first_not_of("0123456789") != std::string_view::npos) {
            return makeError("invalid prefix length in \"" + std::string(text) + "\"");
        }
        unsigned prefix = static_cast<unsigned>(std::stoul(std::string(digits)));
        if (prefix > bits) {
            return makeError("prefix length " + std::string(digits) + " too long for \"" +
                             std::string(text) + "\"");
        }
        network.prefix_ = prefix;
    }
    // Host bits below the prefix are cleared, so the network prints as it matches.
    std::uint8_t bytes[16] = {};
    std::copy(address->bytes(), address->bytes() + address->size(), bytes);
    for (unsigned bit = network.prefix_; bit < bits; ++bit) {
        bytes[bit / 8] = static_cast<std::uint8_t>(bytes[bit / 8] & ~(0x80u >> (bit % 8)));
    }
    network.address_ = IpAddress::fromBytes(bytes, address->isIpv6());
    return network;
}

bool IpNetwork::contains(const IpAddress& address) const {
    return address_.samePrefix(address, prefix_);
}

std::string IpNetwork::toString() const {
    return address_.toString() + "/" + std::to_string(prefix_);
}

}  // namespace mailgate
