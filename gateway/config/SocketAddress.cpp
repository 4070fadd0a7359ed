// Parsing of the two listening-address notations (see SocketAddress.hpp).
#include "gateway/config/SocketAddress.hpp"

#include <charconv>

namespace mailgate {
namespace {

Result<std::uint16_t> parsePort(std::string_view text) {
    unsigned value = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || error != std::errc() || end != text.data() + text.size() || value == 0 ||
        value > 65535) {
        return makeError("invalid port \"" + std::string(text) + "\" (expected 1-65535)");
    }
    return static_cast<std::uint16_t>(value);
}

Result<SocketAddress> unixAddress(std::string_view path) {
    if (path.empty() || path.front() != '/') {
        return makeError("unix socket path must be absolute, got \"" + std::string(path) + "\"");
    }
    if (path.size() > 107) {
        return makeError("unix socket path is longer than 107 bytes");
    }
    SocketAddress address;
    address.kind = SocketAddress::Kind::Unix;
    address.path = std::string(path);
    return address;
}

// A host is a name, an IPv4 address or (only where the notation allows it) an IPv6
// address: letters, digits, '.', '-', '_' and, for IPv6, ':'.
Result<void> checkHost(std::string_view host, bool ipv6Allowed) {
    if (host.empty()) {
        return makeError("missing host in inet address");
    }
    for (char c : host) {
        bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                     c == '.' || c == '-' || c == '_';
        if (!plain && !(c == ':' && ipv6Allowed)) {
            return makeError("invalid host \"" + std::string(host) + "\"" +
                             (c == ':' ? " (write IPv6 addresses as inet:[ADDRESS]:PORT)" : ""));
        }
    }
    return {};
}

Result<SocketAddress> inetAddress(std::string_view host, std::string_view port, bool ipv6Allowed) {
    auto checked = checkHost(host, ipv6Allowed);
    if (!checked) {
        return makeError(checked.error());
    }
    auto parsedPort = parsePort(port);
    if (!parsedPort) {
        return makeError(parsedPort.error());
    }
    SocketAddress address;
    address.kind = SocketAddress::Kind::Inet;
    address.host = std::string(host);
    address.port = *parsedPort;
    return address;
}

bool startsWith(std::string_view text, std::string_view prefix) {
    return text.substr(0, prefix.size()) == prefix;
}

}  // namespace

std::string SocketAddress::describe() const {
    if (kind == Kind::Unix) {
        return "unix:" + path;
    }
    if (host.find(':') != std::string::npos) {
        return "inet:[" + host + "]:" + std::to_string(port);
    }
    return "inet:" + host + ":" + std::to_string(port);
}

Result<SocketAddress> parsePostfixSocketAddress(std::string_view text) {
    if (startsWith(text, "unix:")) {
        return unixAddress(text.substr(5));
    }
    if (!startsWith(text, "inet:")) {
        return makeError("address must start with \"inet:\" or \"unix:\", got \"" +
                         std::string(text) + "\"");
    }
    std::string_view rest = text.substr(5);
    if (startsWith(rest, "[")) {
        auto close = rest.find("]:");
        if (close == std::string_view::npos) {
            return makeError("expected inet:[IPV6]:PORT, got \"" + std::string(text) + "\"");
        }
        return inetAddress(rest.substr(1, close - 1), rest.substr(close + 2), true);
    }
    auto colon = rest.rfind(':');
    if (colon == std::string_view::npos) {
        return makeError("expected inet:HOST:PORT, got \"" + std::string(text) + "\"");
    }
    return inetAddress(rest.substr(0, colon), rest.substr(colon + 1), false);
}

Result<SocketAddress> parseMilterSocketAddress(std::string_view text) {
    if (startsWith(text, "unix:")) {
        return unixAddress(text.substr(5));
    }
    if (startsWith(text, "local:")) {
        return unixAddress(text.substr(6));
    }
    std::string_view rest;
    bool ipv6 = false;
    if (startsWith(text, "inet:")) {
        rest = text.substr(5);
    } else if (startsWith(text, "inet6:")) {
        rest = text.substr(6);
        ipv6 = true;
    } else {
        return makeError(
            "milter socket must be unix:/path, inet:PORT@HOST or inet6:PORT@HOST, got \"" +
            std::string(text) + "\"");
    }
    auto at = rest.find('@');
    if (at == std::string_view::npos) {
        return makeError("expected inet:PORT@HOST, got \"" + std::string(text) + "\"");
    }
    return inetAddress(rest.substr(at + 1), rest.substr(0, at), ipv6);
}

Result<SocketAddress> parseSmtpServerAddress(std::string_view text) {
    if (startsWith(text, "[")) {
        auto close = text.find(']');
        if (close == std::string_view::npos) {
            return makeError("expected [HOST]:PORT, got \"" + std::string(text) + "\"");
        }
        std::string_view after = text.substr(close + 1);
        if (!after.empty() && !startsWith(after, ":")) {
            return makeError("expected [HOST]:PORT, got \"" + std::string(text) + "\"");
        }
        return inetAddress(text.substr(1, close - 1), after.empty() ? "25" : after.substr(1), true);
    }
    auto colon = text.rfind(':');
    if (colon == std::string_view::npos) {
        return inetAddress(text, "25", false);
    }
    return inetAddress(text.substr(0, colon), text.substr(colon + 1), false);
}

}  // namespace mailgate
