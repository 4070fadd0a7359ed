// Stopping libmilter's listener without its select() wait (see ListenerStop.hpp).
#include "milter/ListenerStop.hpp"

#include <libmilter/mfapi.h>
#include <netdb.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <string>
#include <thread>

#include "gateway/config/SocketAddress.hpp"

namespace mailgate {
namespace {

void connectAndClose(const sockaddr* address, socklen_t length, int family) {
    int client = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (client < 0) {
        return;
    }
    (void)connect(client, address, length);
    close(client);
}

void wakeMilterListener(std::string_view milterSocket) {
    auto address = parseMilterSocketAddress(milterSocket);
    if (!address) {
        return;
    }
    if (address->kind == SocketAddress::Kind::Unix) {
        sockaddr_un local{};
        local.sun_family = AF_UNIX;
        if (address->path.size() >= sizeof local.sun_path) {
            return;
        }
        std::memcpy(local.sun_path, address->path.c_str(), address->path.size() + 1);
        connectAndClose(reinterpret_cast<const sockaddr*>(&local), sizeof local, AF_UNIX);
        return;
    }
    // A listener on every address is reached on loopback.
    std::string host = address->host;
    if (host.empty() || host == "0.0.0.0" || host == "*" || host == "INADDR_ANY") {
        host = "127.0.0.1";
    } else if (host == "::") {
        host = "::1";
    }
    addrinfo hints{};
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV;
    addrinfo* found = nullptr;
    std::string port = std::to_string(address->port);
    if (getaddrinfo(host.c_str(), port.c_str(), &hints, &found) != 0) {
        return;
    }
    connectAndClose(found->ai_addr, found->ai_addrlen, found->ai_family);
    freeaddrinfo(found);
}

}  // namespace

void stopMilterListener(std::string_view milterSocket) {
    std::atomic<bool> stopped{false};
    std::thread stopper([&stopped] {
        smfi_stop();
        stopped = true;
    });
    // Each connection makes libmilter accept it and let go of its mutex for a moment;
    // the listening socket is closed once smfi_stop() has it.
    for (int attempt = 0; attempt < 200 && !stopped; ++attempt) {
        wakeMilterListener(milterSocket);
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    stopper.join();
}

}  // namespace mailgate
