// MilterProtocolSocket: the blocking stream socket the milter benchmark client
// (MilterProtocolBench.cpp) and the SMTP corpus sender (SmtpCorpusSender.cpp) talk
// through: parsing unix:/path, inet:HOST:PORT or libmilter's inet:PORT@HOST (numeric
// loopback hosts only: a benchmark here never sends traffic elsewhere), connecting with
// send/receive timeouts, writing a whole buffer and reading into a growing one. It knows
// nothing of either protocol and does no non-blocking I/O.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

namespace mailgate::bench {

struct BenchAddress {
    sockaddr_storage storage{};
    socklen_t length = 0;
    bool tcp = false;
};

namespace bench_socket_detail {

inline std::optional<BenchAddress> unixAddress(std::string_view path) {
    BenchAddress address;
    auto* local = reinterpret_cast<sockaddr_un*>(&address.storage);
    if (path.empty() || path.size() >= sizeof local->sun_path) {
        return std::nullopt;
    }
    local->sun_family = AF_UNIX;
    std::memcpy(local->sun_path, path.data(), path.size());
    address.length = sizeof(sockaddr_un);
    return address;
}

// A numeric loopback host (127.0.0.0/8 or ::1) and port; anything else is refused.
inline std::optional<BenchAddress> loopbackAddress(std::string host, std::string_view port) {
    std::uint16_t number = 0;
    auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), number);
    if (error != std::errc{} || end != port.data() + port.size() || number == 0) {
        return std::nullopt;
    }
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
        host = host.substr(1, host.size() - 2);
    }
    BenchAddress address;
    address.tcp = true;
    auto* ipv4 = reinterpret_cast<sockaddr_in*>(&address.storage);
    auto* ipv6 = reinterpret_cast<sockaddr_in6*>(&address.storage);
    if (inet_pton(AF_INET, host.c_str(), &ipv4->sin_addr) == 1) {
        if ((ntohl(ipv4->sin_addr.s_addr) >> 24) != 127) {
            return std::nullopt;
        }
        ipv4->sin_family = AF_INET;
        ipv4->sin_port = htons(number);
        address.length = sizeof(sockaddr_in);
    } else if (inet_pton(AF_INET6, host.c_str(), &ipv6->sin6_addr) == 1) {
        if (!IN6_IS_ADDR_LOOPBACK(&ipv6->sin6_addr)) {
            return std::nullopt;
        }
        ipv6->sin6_family = AF_INET6;
        ipv6->sin6_port = htons(number);
        address.length = sizeof(sockaddr_in6);
    } else {
        return std::nullopt;
    }
    return address;
}

inline timeval asTimeval(double seconds) {
    timeval value{};
    value.tv_sec = static_cast<time_t>(seconds);
    value.tv_usec = static_cast<suseconds_t>((seconds - std::floor(seconds)) * 1e6);
    return value;
}

}  // namespace bench_socket_detail

// unix:/path, inet:HOST:PORT (Postfix's form) or inet:PORT@HOST (libmilter's form).
inline std::optional<BenchAddress> parseBenchAddress(std::string_view text) {
    using namespace bench_socket_detail;
    if (text.starts_with("unix:")) {
        return unixAddress(text.substr(5));
    }
    if (!text.starts_with("inet:") && !text.starts_with("inet6:")) {
        return std::nullopt;
    }
    text = text.substr(text.find(':') + 1);
    if (auto at = text.find('@'); at != std::string_view::npos) {
        return loopbackAddress(std::string(text.substr(at + 1)), text.substr(0, at));
    }
    auto colon = text.rfind(':');
    if (colon == std::string_view::npos) {
        return std::nullopt;
    }
    return loopbackAddress(std::string(text.substr(0, colon)), text.substr(colon + 1));
}

// A connected blocking socket whose reads and writes give up after `timeoutSeconds`,
// or -1 with errno set.
inline int connectBenchSocket(const BenchAddress& address, double timeoutSeconds, bool noDelay) {
    int fd = socket(address.storage.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return -1;
    }
    timeval timeout = bench_socket_detail::asTimeval(timeoutSeconds);
    int on = 1;
    bool ready =
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout) == 0 &&
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout) == 0 &&
        (!address.tcp || !noDelay ||
         setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on) == 0) &&
        connect(fd, reinterpret_cast<const sockaddr*>(&address.storage), address.length) == 0;
    if (!ready) {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    return fd;
}

// Writes all of `bytes`; false on an error or timeout.
inline bool writeAll(int fd, std::string_view bytes) {
    while (!bytes.empty()) {
        ssize_t written = send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (written < 0 && errno == EINTR) {
            continue;
        }
        if (written <= 0) {
            return false;
        }
        bytes.remove_prefix(static_cast<std::size_t>(written));
    }
    return true;
}

// Appends what one recv() returns to `buffer`; false on end of stream, error or timeout
// (`timedOut` tells which of the last two).
inline bool readSome(int fd, std::string& buffer, bool& timedOut) {
    char chunk[65536];
    while (true) {
        ssize_t got = recv(fd, chunk, sizeof chunk, 0);
        if (got < 0 && errno == EINTR) {
            continue;
        }
        timedOut = got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
        if (got <= 0) {
            return false;
        }
        buffer.append(chunk, static_cast<std::size_t>(got));
        return true;
    }
}

}  // namespace mailgate::bench
