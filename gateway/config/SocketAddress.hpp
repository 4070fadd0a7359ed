// SocketAddress: a listening address as written in the config, parsed and checked.
// Two notations exist because the MTAs have two: Postfix writes `inet:HOST:PORT` and
// `unix:/path` (policyd.listen); libmilter writes `inet:PORT@HOST`, `inet6:PORT@HOST`,
// `unix:/path` or `local:/path` (milter.socket). This file only parses; it opens nothing.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "gateway/util/Result.hpp"

namespace mailgate {

struct SocketAddress {
    enum class Kind { Inet, Unix };
    Kind kind = Kind::Inet;
    std::string host;  // Inet: an address or name, IPv6 without brackets
    std::uint16_t port = 0;
    std::string path;  // Unix

    std::string describe() const;
};

// Postfix notation: "inet:127.0.0.1:10040", "inet:[::1]:10040", "unix:/run/policyd.sock".
Result<SocketAddress> parsePostfixSocketAddress(std::string_view text);
// libmilter notation: "inet:10041@127.0.0.1", "inet6:10041@::1", "unix:/path", "local:/path".
Result<SocketAddress> parseMilterSocketAddress(std::string_view text);
// An SMTP server as Postfix writes a next hop: "HOST", "HOST:PORT", "[HOST]:PORT" or
// "[IPV6]:PORT"; the port is 25 when absent. Only an address or name: no MX lookup.
Result<SocketAddress> parseSmtpServerAddress(std::string_view text);

}  // namespace mailgate
