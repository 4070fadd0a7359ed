// mailgate_policy_load: a load generator for the Postfix SMTPD policy protocol, run by
// bench/policy_greylisting.py against mailgate-policyd and postgrey. Like Postfix's
// smtpd, each of N connections sends one request, waits for the reply (action=...
// and an empty line) and sends the next; the connections are multiplexed with epoll in
// 1-2 threads. It prints one JSON object: rate, latency percentiles (from the write of
// a request to the end of its reply), replies by action word, errors by kind. An error
// (refused or dropped connection, timeout, malformed reply) is counted and loses its
// request; the connection reconnects. A benchmark tool: it asserts nothing, links no mailgate.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <csignal>
#include <cstring>
#include <iostream>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "PolicyLoadOptions.hpp"
#include "PolicyLoadReport.hpp"
#include "PolicyLoadRequests.hpp"

namespace mailgate::bench {
namespace {

using Clock = std::chrono::steady_clock;

struct PolicyServerAddress {
    sockaddr_storage storage{};
    socklen_t length = 0;
};

std::optional<PolicyServerAddress> parseUnixAddress(std::string_view path) {
    PolicyServerAddress address;
    auto* unixAddress = reinterpret_cast<sockaddr_un*>(&address.storage);
    if (path.empty() || path.size() >= sizeof unixAddress->sun_path) {
        return std::nullopt;
    }
    unixAddress->sun_family = AF_UNIX;
    std::memcpy(unixAddress->sun_path, path.data(), path.size());
    address.length = static_cast<socklen_t>(sizeof(sockaddr_un));
    return address;
}

// HOST:PORT with a numeric IPv4 or IPv6 host ([::1]:PORT or ::1:PORT).
std::optional<PolicyServerAddress> parseInetAddress(std::string_view hostPort) {
    auto colon = hostPort.rfind(':');
    std::uint16_t port = 0;
    if (colon == std::string_view::npos ||
        !policy_load_detail::parseNumber(hostPort.substr(colon + 1), port) || port == 0) {
        return std::nullopt;
    }
    std::string host(hostPort.substr(0, colon));
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
        host = host.substr(1, host.size() - 2);
    }
    PolicyServerAddress address;
    auto* ipv4 = reinterpret_cast<sockaddr_in*>(&address.storage);
    auto* ipv6 = reinterpret_cast<sockaddr_in6*>(&address.storage);
    if (inet_pton(AF_INET, host.c_str(), &ipv4->sin_addr) == 1) {
        ipv4->sin_family = AF_INET;
        ipv4->sin_port = htons(port);
        address.length = sizeof(sockaddr_in);
    } else if (inet_pton(AF_INET6, host.c_str(), &ipv6->sin6_addr) == 1) {
        ipv6->sin6_family = AF_INET6;
        ipv6->sin6_port = htons(port);
        address.length = sizeof(sockaddr_in6);
    } else {
        return std::nullopt;
    }
    return address;
}

std::optional<PolicyServerAddress> parseServerAddress(std::string_view server) {
    if (server.starts_with("unix:")) {
        return parseUnixAddress(server.substr(5));
    }
    return parseInetAddress(server.substr(5));
}

// A connected, non-blocking stream socket, or -1.
int connectToServer(const PolicyServerAddress& address) {
    int fd = socket(address.storage.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return -1;
    }
    if (connect(fd, reinterpret_cast<const sockaddr*>(&address.storage), address.length) != 0 ||
        fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

// What every thread shares: the options, the server and the ticket counter that
// numbers requests and stops the run at --requests or at the --seconds deadline.
struct PolicyLoadRun {
    PolicyLoadRun(const PolicyLoadOptions& runOptions, PolicyServerAddress serverAddress,
                  std::uint64_t nonce)
        : options(runOptions),
          address(serverAddress),
          runNonce(nonce),
          triplets(runOptions, nonce) {}

    std::optional<std::uint64_t> takeTicket(Clock::time_point now) {
        if (options.seconds > 0 && now >= deadline) {
            return std::nullopt;
        }
        std::uint64_t ticket = nextTicket.fetch_add(1, std::memory_order_relaxed);
        if (options.requests > 0 && ticket >= static_cast<std::uint64_t>(options.requests)) {
            return std::nullopt;
        }
        return ticket;
    }

    const PolicyLoadOptions& options;
    PolicyServerAddress address;
    std::uint64_t runNonce;
    PolicyLoadTriplets triplets;
    std::atomic<std::uint64_t> nextTicket{0};
    Clock::time_point start{};
    Clock::time_point deadline{};
};

struct PolicyLoadConnection {
    int fd = -1;
    std::uint64_t random = 0;
    std::string request;
    std::size_t written = 0;
    bool waiting = false;  // a request is out and its reply not complete
    bool wantsOutput = false;
    Clock::time_point sentAt{};
    std::array<char, 4096> reply{};
    std::size_t replyLength = 0;
};

// One thread's connections, driven by one epoll instance.
class PolicyLoadWorker {
  public:
    PolicyLoadWorker(PolicyLoadRun& run, std::size_t firstConnection, std::size_t count)
        : run_(run), connections_(count), epoll_(epoll_create1(EPOLL_CLOEXEC)) {
        for (std::size_t index = 0; index < count; ++index) {
            connections_[index].random =
                mixBits(run.options.seed ^ mixBits(firstConnection + index));
        }
        tally_.latencies.reserve(1 << 20);
    }
    ~PolicyLoadWorker() {
        for (auto& connection : connections_) {
            closeConnection(connection);
        }
        close(epoll_);
    }
    PolicyLoadWorker(const PolicyLoadWorker&) = delete;
    PolicyLoadWorker& operator=(const PolicyLoadWorker&) = delete;

    // Before the clock starts: a connection that cannot be opened is an error.
    std::size_t connectAll() {
        for (auto& connection : connections_) {
            openConnection(connection);
        }
        return open_;
    }

    void run() {
        auto now = Clock::now();
        for (auto& connection : connections_) {
            if (connection.fd >= 0) {
                startRequest(connection, now);
            }
        }
        pollUntilIdle();
    }

    const PolicyLoadTally& tally() const { return tally_; }

  private:
    void pollUntilIdle();
    void handleEvent(PolicyLoadConnection& connection, std::uint32_t events);
    void startRequest(PolicyLoadConnection& connection, Clock::time_point now);
    void writeRequest(PolicyLoadConnection& connection);
    void readReply(PolicyLoadConnection& connection);
    void finishReply(PolicyLoadConnection& connection, std::size_t end);
    void fail(PolicyLoadConnection& connection, std::string_view kind);
    bool openConnection(PolicyLoadConnection& connection);
    void closeConnection(PolicyLoadConnection& connection);
    void watchOutput(PolicyLoadConnection& connection, bool wanted);
    void expireTimeouts(Clock::time_point now);

    std::uint32_t indexOf(const PolicyLoadConnection& connection) const {
        return static_cast<std::uint32_t>(&connection - connections_.data());
    }

    PolicyLoadRun& run_;
    std::vector<PolicyLoadConnection> connections_;
    int epoll_;
    std::size_t open_ = 0;
    PolicyLoadTally tally_;
};

void PolicyLoadWorker::pollUntilIdle() {
    std::array<epoll_event, 256> events{};
    auto nextTimeoutCheck = Clock::now() + std::chrono::milliseconds(100);
    while (open_ > 0) {
        int ready = epoll_wait(epoll_, events.data(), static_cast<int>(events.size()), 100);
        for (std::size_t index = 0; index < static_cast<std::size_t>(std::max(ready, 0)); ++index) {
            handleEvent(connections_[events[index].data.u32], events[index].events);
        }
        auto now = Clock::now();
        if (now >= nextTimeoutCheck) {
            expireTimeouts(now);
            nextTimeoutCheck = now + std::chrono::milliseconds(100);
        }
    }
}

void PolicyLoadWorker::handleEvent(PolicyLoadConnection& connection, std::uint32_t events) {
    if (connection.fd < 0) {
        return;  // closed by an earlier event of this batch
    }
    if ((events & EPOLLOUT) != 0 && connection.wantsOutput) {
        writeRequest(connection);
    }
    if ((events & (EPOLLIN | EPOLLERR | EPOLLHUP)) != 0 && connection.fd >= 0) {
        readReply(connection);
    }
}

// The next request on this connection, or closing it when the run is over.
void PolicyLoadWorker::startRequest(PolicyLoadConnection& connection, Clock::time_point now) {
    auto ticket = run_.takeTicket(now);
    if (!ticket) {
        closeConnection(connection);
        return;
    }
    auto triplet = run_.triplets.forTicket(*ticket, connection.random);
    writePolicyRequest(connection.request, triplet, PolicyLoadMessage{run_.runNonce, *ticket});
    connection.written = 0;
    connection.waiting = true;
    connection.sentAt = Clock::now();
    writeRequest(connection);
}

void PolicyLoadWorker::writeRequest(PolicyLoadConnection& connection) {
    const auto& request = connection.request;
    while (connection.written < request.size()) {
        auto sent = send(connection.fd, request.data() + connection.written,
                         request.size() - connection.written, MSG_NOSIGNAL);
        if (sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            watchOutput(connection, true);
            return;
        }
        if (sent < 0) {
            fail(connection, errno == EPIPE || errno == ECONNRESET ? "reset" : "write");
            return;
        }
        connection.written += static_cast<std::size_t>(sent);
    }
    watchOutput(connection, false);
}

void PolicyLoadWorker::readReply(PolicyLoadConnection& connection) {
    auto& buffer = connection.reply;
    auto received = recv(connection.fd, buffer.data() + connection.replyLength,
                         buffer.size() - connection.replyLength, 0);
    if (received < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        return;
    }
    if (received <= 0) {
        fail(connection,
             received == 0 ? "closed_by_server" : (errno == ECONNRESET ? "reset" : "read"));
        return;
    }
    std::size_t searchFrom = connection.replyLength > 0 ? connection.replyLength - 1 : 0;
    connection.replyLength += static_cast<std::size_t>(received);
    std::string_view text(buffer.data(), connection.replyLength);
    auto blank = text.find("\n\n", searchFrom);
    if (blank != std::string_view::npos) {
        finishReply(connection, blank + 2);
    } else if (connection.replyLength == buffer.size()) {
        fail(connection, "reply_too_long");
    }
}

// A complete reply ends at `end`: exactly one "action=..." reply, nothing after it.
void PolicyLoadWorker::finishReply(PolicyLoadConnection& connection, std::size_t end) {
    std::string_view reply(connection.reply.data(), connection.replyLength);
    if (!connection.waiting || connection.written < connection.request.size() ||
        end != reply.size()) {
        fail(connection, "unexpected_data");
        return;
    }
    if (!reply.starts_with("action=")) {
        fail(connection, "bad_reply");
        return;
    }
    auto now = Clock::now();
    auto action = reply.substr(7);
    tally_.countAction(action.substr(0, action.find_first_of(" \t\n")));
    tally_.latencies.push_back(now - connection.sentAt);
    tally_.lastEvent = now;
    connection.replyLength = 0;
    connection.waiting = false;
    startRequest(connection, now);
}

// An error loses the request in flight; like Postfix, reconnect for the next one.
void PolicyLoadWorker::fail(PolicyLoadConnection& connection, std::string_view kind) {
    tally_.errors.add(kind);
    closeConnection(connection);
    auto now = Clock::now();
    tally_.lastEvent = now;
    if (run_.options.seconds > 0 && now >= run_.deadline) {
        return;
    }
    if (openConnection(connection)) {
        startRequest(connection, now);
    }
}

bool PolicyLoadWorker::openConnection(PolicyLoadConnection& connection) {
    connection.fd = connectToServer(run_.address);
    if (connection.fd < 0) {
        tally_.errors.add("connect");
        return false;
    }
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.u32 = indexOf(connection);
    epoll_ctl(epoll_, EPOLL_CTL_ADD, connection.fd, &event);
    connection.replyLength = 0;
    connection.waiting = false;
    connection.wantsOutput = false;
    ++open_;
    return true;
}

void PolicyLoadWorker::closeConnection(PolicyLoadConnection& connection) {
    if (connection.fd < 0) {
        return;
    }
    close(connection.fd);  // also removes it from the epoll set
    connection.fd = -1;
    --open_;
}

void PolicyLoadWorker::watchOutput(PolicyLoadConnection& connection, bool wanted) {
    if (connection.wantsOutput == wanted) {
        return;
    }
    epoll_event event{};
    event.events = wanted ? EPOLLIN | EPOLLOUT : EPOLLIN;
    event.data.u32 = indexOf(connection);
    epoll_ctl(epoll_, EPOLL_CTL_MOD, connection.fd, &event);
    connection.wantsOutput = wanted;
}

void PolicyLoadWorker::expireTimeouts(Clock::time_point now) {
    auto limit = std::chrono::duration_cast<Clock::duration>(
        std::chrono::duration<double>(run_.options.timeoutSeconds));
    for (auto& connection : connections_) {
        if (connection.fd >= 0 && connection.waiting && now - connection.sentAt > limit) {
            fail(connection, "timeout");
        }
    }
}

std::uint64_t makeRunNonce() {
    std::random_device device;
    auto clock = static_cast<std::uint64_t>(Clock::now().time_since_epoch().count());
    return mixBits((static_cast<std::uint64_t>(device()) << 32) ^ device() ^ clock);
}

// Connects every worker's connections, then runs the workers on their own threads.
PolicyLoadTally runWorkers(PolicyLoadRun& run,
                           std::vector<std::unique_ptr<PolicyLoadWorker>>& workers) {
    std::size_t connected = 0;
    for (auto& worker : workers) {
        connected += worker->connectAll();
    }
    run.start = Clock::now();
    run.deadline = run.start + std::chrono::duration_cast<Clock::duration>(
                                   std::chrono::duration<double>(run.options.seconds));
    if (connected > 0) {
        std::vector<std::thread> threads;
        for (auto& worker : workers) {
            threads.emplace_back([&worker] { worker->run(); });
        }
        for (auto& thread : threads) {
            thread.join();
        }
    }
    PolicyLoadTally total;
    for (const auto& worker : workers) {
        total.merge(worker->tally());
    }
    return total;
}

int runLoad(const PolicyLoadOptions& options, const PolicyServerAddress& address) {
    PolicyLoadRun run(options, address, makeRunNonce());
    std::vector<std::unique_ptr<PolicyLoadWorker>> workers;
    auto connections = static_cast<std::size_t>(options.connections);
    auto threads = static_cast<std::size_t>(options.threads);
    for (std::size_t index = 0; index < threads; ++index) {
        std::size_t first = index * connections / threads;
        workers.push_back(std::make_unique<PolicyLoadWorker>(
            run, first, (index + 1) * connections / threads - first));
    }
    PolicyLoadTally total = runWorkers(run, workers);
    auto end = total.lastEvent == Clock::time_point{} ? Clock::now() : total.lastEvent;
    double seconds = std::chrono::duration<double>(end - run.start).count();
    std::cout << policyLoadJson(total, options, seconds) << std::endl;
    return total.latencies.empty() ? 1 : 0;
}

}  // namespace
}  // namespace mailgate::bench

int main(int argc, char** argv) {
    using namespace mailgate::bench;
    std::string error;
    auto options = parsePolicyLoadOptions(argc, argv, error);
    if (!options) {
        std::cerr << "mailgate_policy_load: " << error << "\n" << policyLoadUsage;
        return 2;
    }
    auto address = parseServerAddress(options->server);
    if (!address) {
        std::cerr << "mailgate_policy_load: cannot use server address " << options->server
                  << " (numeric host, port 1-65535, or a unix socket path)\n";
        return 2;
    }
    std::signal(SIGPIPE, SIG_IGN);
    return runLoad(*options, *address);
}
