// PolicySession: one Postfix connection to the policy daemon. Postfix keeps a connection
// open and sends many requests on it, possibly pipelined; each complete request is
// answered in order. A protocol error or a limit breached closes the connection with a
// log line; a connection idle for policyd.idle_timeout_s is closed. All handlers of a
// session run on its strand. Works for TCP and unix sockets alike.
#pragma once

#include <array>
#include <atomic>
#include <memory>
#include <string>

#include "gateway/config/ConfigHolder.hpp"
#include "gateway/log/Logger.hpp"
#include "gateway/util/Asio.hpp"
#include "policyd/PolicyDecider.hpp"
#include "policyd/PolicyRequest.hpp"

namespace mailgate {

// What every session shares with the server that accepted it.
struct PolicyServerContext {
    PolicyServerContext(ConfigHolder& configHolder, PolicyDecider& policyDecider, Logger& log)
        : config(configHolder), decider(policyDecider), logger(log) {}

    ConfigHolder& config;
    PolicyDecider& decider;
    Logger& logger;
    std::atomic<std::size_t> connections{0};
};

template <class Protocol>
class PolicySession : public std::enable_shared_from_this<PolicySession<Protocol>> {
  public:
    using Socket = typename Protocol::socket;

    PolicySession(Socket socket, std::shared_ptr<PolicyServerContext> context, std::string peer)
        : socket_(std::move(socket)),
          idleTimer_(socket_.get_executor()),
          context_(std::move(context)),
          peer_(std::move(peer)),
          parser_(limitsFrom(*context_->config.current())) {
        context_->connections.fetch_add(1);
    }

    ~PolicySession() { context_->connections.fetch_sub(1); }

    void start() {
        armIdleTimer();
        readMore();
    }

  private:
    static PolicyRequestLimits limitsFrom(const Config& config) {
        PolicyRequestLimits limits;
        limits.max_line_length = static_cast<std::size_t>(config.policyd.max_line_length);
        limits.max_attributes = static_cast<std::size_t>(config.policyd.max_attributes);
        limits.max_request_bytes = static_cast<std::size_t>(config.policyd.max_request_bytes);
        return limits;
    }

    void armIdleTimer() {
        auto seconds = context_->config.current()->policyd.idle_timeout_s;
        idleTimer_.expires_after(std::chrono::seconds(seconds));
        idleTimer_.async_wait([self = this->shared_from_this()](boost::system::error_code error) {
            if (!error) {
                self->context_->logger.info(
                    LogLine("policy_connection_idle").add("peer", self->peer_));
                self->close();
            }
        });
    }

    void readMore() {
        socket_.async_read_some(
            boost::asio::buffer(readBuffer_),
            [self = this->shared_from_this()](boost::system::error_code error, std::size_t size) {
                self->onRead(error, size);
            });
    }

    void onRead(boost::system::error_code error, std::size_t size) {
        if (error) {
            if (error != boost::asio::error::eof &&
                error != boost::asio::error::operation_aborted) {
                context_->logger.debug(LogLine("policy_connection_error")
                                           .add("peer", peer_)
                                           .add("error", error.message()));
            }
            close();
            return;
        }
        armIdleTimer();
        parser_.feed(std::string_view(readBuffer_.data(), size));
        std::string replies;
        while (true) {
            auto next = parser_.next();
            if (!next) {
                context_->logger.warning(LogLine("policy_protocol_error")
                                             .add("peer", peer_)
                                             .add("reason", next.error())
                                             .add("action", "close"));
                close();
                return;
            }
            if (!next->has_value()) {
                break;
            }
            auto snapshot = context_->config.current();
            replies += context_->decider.decide(**next, *snapshot).serialize();
        }
        if (replies.empty()) {
            readMore();
            return;
        }
        outgoing_ = std::move(replies);
        boost::asio::async_write(
            socket_, boost::asio::buffer(outgoing_),
            [self = this->shared_from_this()](boost::system::error_code writeError, std::size_t) {
                if (writeError) {
                    self->close();
                    return;
                }
                self->readMore();
            });
    }

    void close() {
        boost::system::error_code ignored;
        idleTimer_.cancel();
        socket_.shutdown(Socket::shutdown_both, ignored);
        socket_.close(ignored);
    }

    Socket socket_;
    boost::asio::steady_timer idleTimer_;
    std::shared_ptr<PolicyServerContext> context_;
    std::string peer_;
    PolicyRequestParser parser_;
    std::array<char, 8192> readBuffer_{};
    std::string outgoing_;
};

}  // namespace mailgate
