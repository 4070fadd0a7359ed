// Parsing of dns.servers entries (see DnsServerAddress.hpp).
#include "gateway/dns/DnsServerAddress.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

namespace mailgate {

Result<std::string> unboundForwarderAddress(const std::string& server) {
    std::string host = server;
    std::string port = "53";
    if (!server.empty() && server.front() == '[') {
        auto close = server.find(']');
        if (close == std::string::npos) {
            return makeError("expected [IPV6]:PORT, got \"" + server + "\"");
        }
        host = server.substr(1, close - 1);
        if (close + 1 < server.size()) {
            if (server[close + 1] != ':') {
                return makeError("expected [IPV6]:PORT, got \"" + server + "\"");
            }
            port = server.substr(close + 2);
        }
    } else if (auto colon = server.find(':'); colon != std::string::npos) {
        if (server.find(':', colon + 1) != std::string::npos) {
            return makeError("write IPv6 servers as [ADDRESS]:PORT, got \"" + server + "\"");
        }
        host = server.substr(0, colon);
        port = server.substr(colon + 1);
    }
    unsigned char buffer[sizeof(in6_addr)];
    if (inet_pton(AF_INET, host.c_str(), buffer) != 1 &&
        inet_pton(AF_INET6, host.c_str(), buffer) != 1) {
        return makeError("DNS server must be an IP address, got \"" + host + "\"");
    }
    if (port.empty() || port.size() > 5 ||
        port.find_first_not_of("0123456789") != std::string::npos || std::stoi(port) < 1 ||
        std::stoi(port) > 65535) {
        return makeError("invalid DNS server port \"" + port + "\"");
    }
    return host + "@" + port;
}

}  // namespace mailgate
