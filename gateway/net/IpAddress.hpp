// IpAddress and IpNetwork: a client address as the checks see it, and CIDR networks
// ("192.0.2.0/24", "2001:db8::/32", a bare address meaning /32 or /128). An IPv4-mapped
// IPv6 address (::ffff:192.0.2.1) is treated as the IPv4 address it carries, as RFC 7208
// and every DNSBL expect. Also the reversed names DNSBL and PTR lookups ask for
// (RFC 5782: 192.0.2.1 -> 1.2.0.192, IPv6 as 32 nibbles). It does no DNS lookups.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "gateway/util/Result.hpp"

namespace mailgate {

class IpAddress {
  public:
    IpAddress() = default;
    // Accepts dotted IPv4 and RFC 4291 IPv6 text (no brackets, no zone index); an
    // IPv4-mapped IPv6 address becomes IPv4. Postfix's "ipv6:" prefix is not accepted here.
    static Result<IpAddress> parse(std::string_view text);
    static IpAddress fromBytes(const std::uint8_t* bytes, bool ipv6);

    bool isIpv4() const { return !ipv6_; }
    bool isIpv6() const { return ipv6_; }
    // 4 bytes for IPv4, 16 for IPv6.
    std::size_t size() const { return ipv6_ ? 16 : 4; }
    const std::uint8_t* bytes() const { return bytes_.data(); }

    // Canonical text: dotted quad, or RFC 5952 compressed lowercase IPv6.
    std::string toString() const;
    // The reversed-label name without a zone: "1.2.0.192" or 32 dotted nibbles.
    std::string reversedName() const;
    // "1.2.0.192.in-addr.arpa" or "<nibbles>.ip6.arpa": the PTR owner name.
    std::string pointerName() const;
    // True when the first `prefix` bits equal those of `other` (same family only).
    bool samePrefix(const IpAddress& other, unsigned prefix) const;

    friend bool operator==(const IpAddress& left, const IpAddress& right) {
        return left.ipv6_ == right.ipv6_ && left.bytes_ == right.bytes_;
    }

  private:
    std::array<std::uint8_t, 16> bytes_{};
    bool ipv6_ = false;
};

class IpNetwork {
  public:
    // "192.0.2.0/24", "2001:db8::/32", "192.0.2.7" (a single address). Host bits below
    // the prefix are ignored ("192.0.2.7/24" is 192.0.2.0/24).
    static Result<IpNetwork> parse(std::string_view text);
    bool contains(const IpAddress& address) const;
    const IpAddress& address() const { return address_; }
    std::string toString() const;

  private:
    IpAddress address_;
    unsigned prefix_ = 0;
};

}  // namespace mailgate
