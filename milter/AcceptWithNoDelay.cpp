// Sets TCP_NODELAY on every TCP connection libmilter accepts. libmilter has no call for
// it, and without it a milter on a TCP socket stalls about 40 ms twice per message
// (Nagle on one side, delayed ACK on the other; see docs/PERFORMANCE.md). This file
// defines accept() in the mailgate-milter executable, which the dynamic linker binds
// libmilter's accept() calls to; it accepts with accept4() and sets the option on
// IPv4/IPv6 sockets. Unix sockets are left as they are. It does nothing else.
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <cerrno>

extern "C" int accept(int listening, sockaddr* address, socklen_t* length) {
    int connection = accept4(listening, address, length, 0);
    if (connection < 0) {
        return connection;
    }
    int saved = errno;
    sockaddr_storage local{};
    socklen_t localLength = sizeof local;
    if (getsockname(connection, reinterpret_cast<sockaddr*>(&local), &localLength) == 0 &&
        (local.ss_family == AF_INET || local.ss_family == AF_INET6)) {
        int on = 1;
        setsockopt(connection, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    }
    errno = saved;
    return connection;
}
