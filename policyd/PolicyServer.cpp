// Listening sockets and the accept loop of the policy daemon (see PolicyServer.hpp).
#include "policyd/PolicyServer.hpp"

#include <sys/stat.h>

#include <filesystem>

namespace mailgate {

namespace asio = boost::asio;

PolicyServer::PolicyServer(asio::io_context& io, std::shared_ptr<PolicyServerContext> context)
    : io_(io), context_(std::move(context)) {}

Result<void> PolicyServer::listen(const std::vector<std::string>& addresses, int socketMode) {
    for (const auto& text : addresses) {
        auto address = parsePostfixSocketAddress(text);
        if (!address) {
            return makeError(address.error());
        }
        auto opened = address->kind == SocketAddress::Kind::Inet ? listenInet(*address)
                                                                 : listenUnix(*address, socketMode);
        if (!opened) {
            return makeError("cannot listen on " + text + ": " + opened.error());
        }
        context_->logger.info(LogLine("policy_listening").add("address", address->describe()));
    }
    return {};
}

Result<void> PolicyServer::listenInet(const SocketAddress& address) {
    boost::system::error_code error;
    asio::ip::tcp::resolver resolver(io_);
    auto endpoints = resolver.resolve(address.host, std::to_string(address.port),
                                      asio::ip::tcp::resolver::numeric_service, error);
    if (error || endpoints.empty()) {
        return makeError("cannot resolve " + address.host + ": " + error.message());
    }
    auto acceptor = std::make_shared<asio::ip::tcp::acceptor>(io_);
    auto endpoint = endpoints.begin()->endpoint();
    acceptor->open(endpoint.protocol(), error);
    if (!error) {
        acceptor->set_option(asio::socket_base::reuse_address(true), error);
    }
    if (!error) {
        acceptor->bind(endpoint, error);
    }
    if (!error) {
        acceptor->listen(asio::socket_base::max_listen_connections, error);
    }
    if (error) {
        return makeError(error.message());
    }
    inetAcceptors_.push_back(acceptor);
    acceptNext<asio::ip::tcp>(acceptor, address.describe());
    return {};
}

Result<void> PolicyServer::listenUnix(const SocketAddress& address, int socketMode) {
    namespace fs = std::filesystem;
    std::error_code fileError;
    auto status = fs::symlink_status(address.path, fileError);
    if (!fileError && fs::exists(status)) {
        if (!fs::is_socket(status)) {
            return makeError(address.path + " exists and is not a socket");
        }
        fs::remove(address.path, fileError);  // a stale socket from an earlier run
    }
    boost::system::error_code error;
    auto acceptor = std::make_shared<asio::local::stream_protocol::acceptor>(io_);
    asio::local::stream_protocol::endpoint endpoint(address.path);
    acceptor->open(endpoint.protocol(), error);
    if (!error) {
        acceptor->bind(endpoint, error);
    }
    if (!error) {
        acceptor->listen(asio::socket_base::max_listen_connections, error);
    }
    if (error) {
        return makeError(error.message());
    }
    if (::chmod(address.path.c_str(), static_cast<mode_t>(socketMode)) != 0) {
        return makeError("cannot set the socket's permissions");
    }
    unixAcceptors_.push_back(acceptor);
    unixPaths_.push_back(address.path);
    acceptNext<asio::local::stream_protocol>(acceptor, address.describe());
    return {};
}

bool PolicyServer::atCapacity() const {
    auto limit = static_cast<std::size_t>(context_->config.current()->policyd.max_connections);
    return context_->connections.load() >= limit;
}

template <class Protocol>
void PolicyServer::acceptNext(std::shared_ptr<typename Protocol::acceptor> acceptor,
                              std::string label) {
    acceptor->async_accept(asio::make_strand(io_), [this, acceptor, label](
                                                       boost::system::error_code error,
                                                       typename Protocol::socket socket) {
        if (error == asio::error::operation_aborted || !acceptor->is_open()) {
            return;
        }
        if (!error) {
            std::string peer = label;
            if constexpr (std::is_same_v<Protocol, asio::ip::tcp>) {
                boost::system::error_code ignored;
                auto remote = socket.remote_endpoint(ignored);
                peer = remote.address().to_string() + ":" + std::to_string(remote.port());
            }
            if (atCapacity()) {
                context_->logger.warning(LogLine("policy_connection_refused")
                                             .add("peer", peer)
                                             .add("reason", "policyd.max_connections reached"));
                boost::system::error_code ignored;
                socket.close(ignored);
            } else {
                std::make_shared<PolicySession<Protocol>>(std::move(socket), context_, peer)
                    ->start();
            }
        } else {
            // Out of descriptors, for example: pause instead of spinning on accept.
            context_->logger.warning(LogLine("policy_accept_failed").add("error", error.message()));
            auto pause = std::make_shared<asio::steady_timer>(io_, std::chrono::milliseconds(100));
            pause->async_wait([this, pause, acceptor, label](boost::system::error_code) {
                acceptNext<Protocol>(acceptor, label);
            });
            return;
        }
        acceptNext<Protocol>(acceptor, label);
    });
}

void PolicyServer::stop() {
    boost::system::error_code ignored;
    for (auto& acceptor : inetAcceptors_) {
        acceptor->close(ignored);
    }
    for (auto& acceptor : unixAcceptors_) {
        acceptor->close(ignored);
    }
    std::error_code fileError;
    for (const auto& path : unixPaths_) {
        std::filesystem::remove(path, fileError);
    }
}

}  // namespace mailgate
