// RedisServerProcess: a real redis-server for C++ tests, started on a free loopback port
// with a unix socket in a temporary directory, and always stopped by the destructor.
// It is a test fixture only; the Python fixtures in tools/devgateway serve the
// integration tests.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace mailgate::testing {

inline int freeLoopbackPort() {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
    socklen_t length = sizeof address;
    getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
    close(fd);
    return ntohs(address.sin_port);
}

inline bool portAccepts(int port) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(static_cast<uint16_t>(port));
    bool ok = connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
    close(fd);
    return ok;
}

class RedisServerProcess {
  public:
    explicit RedisServerProcess(std::vector<std::string> extraArguments = {})
        : port_(freeLoopbackPort()), extra_(std::move(extraArguments)) {
        char pattern[] = "/tmp/mailgate-redis-XXXXXX";
        directory_ = mkdtemp(pattern);
        start();
    }
    ~RedisServerProcess() {
        stop();
        std::error_code ignored;
        std::filesystem::remove_all(directory_, ignored);
    }

    int port() const { return port_; }
    std::string socketPath() const { return (directory_ / "redis.sock").string(); }
    const std::filesystem::path& directory() const { return directory_; }

    void start(const std::vector<std::string>& moreArguments = {}) {
        std::vector<std::string> arguments = {"redis-server",
                                              "--port",
                                              std::to_string(port_),
                                              "--bind",
                                              "127.0.0.1",
                                              "--unixsocket",
                                              socketPath(),
                                              "--save",
                                              "",
                                              "--appendonly",
                                              "no",
                                              "--dir",
                                              directory_.string(),
                                              "--logfile",
                                              (directory_ / "redis.log").string()};
        arguments.insert(arguments.end(), extra_.begin(), extra_.end());
        arguments.insert(arguments.end(), moreArguments.begin(), moreArguments.end());
        pid_ = fork();
        if (pid_ == 0) {
            std::vector<char*> argv;
            for (auto& argument : arguments) {
                argv.push_back(argument.data());
            }
            argv.push_back(nullptr);
            execvp("redis-server", argv.data());
            _exit(127);
        }
        auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (!portAccepts(port_)) {
            if (std::chrono::steady_clock::now() > deadline) {
                throw std::runtime_error("redis-server did not start");
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
    }

    void stop() {
        if (pid_ > 0) {
            kill(pid_, SIGKILL);
            waitpid(pid_, nullptr, 0);
            pid_ = -1;
        }
    }

  private:
    int port_;
    std::vector<std::string> extra_;
    std::filesystem::path directory_;
    pid_t pid_ = -1;
};

}  // namespace mailgate::testing
