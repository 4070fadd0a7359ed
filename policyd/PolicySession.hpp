// PolicySession: one Postfix connection to the policy daemon, served by one coroutine.
// Postfix keeps a connection open and sends many requests on it (a hand-written client
// may pipeline them); each complete request is answered in order, each within the reply
// deadline. A protocol error or a limit breached closes the connection with a log line,
// after the answers to the good requests before it; a connection idle for
// policyd.idle_timeout_s is closed. A session runs on its own strand, so a slow decision
// never blocks another connection. Works for TCP and unix sockets alike.
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
#include "policyd/PolicyTransaction.hpp"

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
        boost::asio::co_spawn(socket_.get_executor(), serve(this->shared_from_this()),
                              boost::asio::detached);
    }

  private:
    static PolicyRequestLimits limitsFrom(const Config& config) {
        PolicyRequestLimits limits;
        limits.max_line_length = static_cast<std::size_t>(config.policyd.max_line_length);
        limits.max_attributes = static_cast<std::size_t>(config.policyd.max_attributes);
        limits.max_request_bytes = static_cast<std::size_t>(config.policyd.max_request_bytes);
        return limits;
    }

    // The idle timer runs only while the session waits for a request, never while a
    // decision is being made.
    void armIdleTimer() {
        auto seconds = context_->config.current()->policyd.idle_timeout_s;
        idleTimer_.expires_after(std::chrono::seconds(seconds));
        idleTimer_.async_wait([self = this->shared_from_this()](boost::system::error_code error) {
            if (!error && self->waitingForRequest_) {
                self->context_->logger.info(
                    LogLine("policy_connection_idle").add("peer", self->peer_));
                self->close();
            }
        });
    }

    // Reads requests, answers each in order (Postfix waits for each answer; a client that
    // pipelines gets its answers in one write), until the client leaves or breaks the
    // protocol. The shared_ptr keeps the session alive while the coroutine runs.
    static boost::asio::awaitable<void> serve(std::shared_ptr<PolicySession> self) {
        co_await self->serveRequests();
        self->close();
    }

    boost::asio::awaitable<void> serveRequests() {
        namespace asio = boost::asio;
        while (true) {
            boost::system::error_code error;
            armIdleTimer();
            waitingForRequest_ = true;
            std::size_t size = co_await socket_.async_read_some(
                asio::buffer(readBuffer_), asio::redirect_error(asio::use_awaitable, error));
            waitingForRequest_ = false;
            idleTimer_.cancel();
            if (error) {
                if (error != asio::error::eof && error != asio::error::operation_aborted) {
                    context_->logger.debug(LogLine("policy_connection_error")
                                               .add("peer", peer_)
                                               .add("error", error.message()));
                }
                co_return;
            }
            parser_.feed(std::string_view(readBuffer_.data(), size));
            std::string replies;
            bool broken = false;
            while (true) {
                auto next = parser_.next();
                if (!next) {
                    context_->logger.warning(LogLine("policy_protocol_error")
                                                 .add("peer", peer_)
                                                 .add("reason", next.error())
                                                 .add("action", "close"));
                    broken = true;
                    break;
                }
                if (!next->has_value()) {
                    break;
                }
                auto reply = co_await context_->decider.decide(**next, transaction_,
                                                               context_->config.current());
                replies += reply.serialize();
            }
            // Requests before a broken one still get their answers.
            if (!replies.empty()) {
                co_await asio::async_write(socket_, asio::buffer(replies),
                                           asio::redirect_error(asio::use_awaitable, error));
                if (error) {
                    co_return;
                }
            }
            if (broken) {
                co_return;
            }
        }
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
    PolicyTransaction transaction_;
    bool waitingForRequest_ = false;
    std::array<char, 8192> readBuffer_{};
};

}  // namespace mailgate
