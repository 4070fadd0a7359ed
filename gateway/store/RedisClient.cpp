// The asynchronous Redis client (see RedisClient.hpp).
#include "gateway/store/RedisClient.hpp"

#include <hiredis/hiredis.h>

#include <algorithm>
#include <optional>

#include "gateway/store/HiredisReply.hpp"
#include "gateway/store/RedisHandshake.hpp"

namespace mailgate {

namespace asio = boost::asio;

namespace {

// More commands than this waiting for Redis means Redis is far behind: fail new ones at
// once rather than queue without bound.
constexpr std::size_t kMaxPendingCommands = 65536;

}  // namespace

std::shared_ptr<RedisClient> RedisClient::create(asio::io_context& io, RedisSettings settings,
                                                 Logger& logger) {
    return std::shared_ptr<RedisClient>(new RedisClient(io, std::move(settings), logger));
}

RedisClient::RedisClient(asio::io_context& io, RedisSettings settings, Logger& logger)
    : settings_(std::move(settings)),
      logger_(logger),
      strand_(asio::make_strand(io)),
      socket_(strand_),
      resolver_(strand_),
      timeout_(strand_),
      health_(strand_),
      readBuffer_(16384) {}

RedisClient::~RedisClient() {
    if (reader_ != nullptr) {
        redisReaderFree(reader_);
    }
}

std::string RedisClient::describeServer() const {
    if (!settings_.socket.empty()) {
        return "unix:" + settings_.socket;
    }
    return settings_.host + ":" + std::to_string(settings_.port);
}

void RedisClient::send(std::vector<std::string> arguments, Completion done) {
    asio::dispatch(strand_, [self = shared_from_this(), arguments = std::move(arguments),
                             done = std::move(done)]() mutable {
        self->sendOnStrand(std::move(arguments), std::move(done));
    });
}

asio::awaitable<Result<RedisReply>> RedisClient::command(std::vector<std::string> arguments) {
    ++waits_;
    auto initiation = [this](auto handler, std::vector<std::string> sent) {
        // The work guard keeps the awaiting coroutine's io_context running until the
        // answer is posted back to it.
        auto work = asio::make_work_guard(asio::get_associated_executor(handler));
        auto shared = std::make_shared<decltype(handler)>(std::move(handler));
        send(std::move(sent), [shared, work](Result<RedisReply> reply) mutable {
            asio::post(work.get_executor(), [shared, reply = std::move(reply)]() mutable {
                (*shared)(std::move(reply));
            });
            work.reset();
        });
    };
    co_return co_await asio::async_initiate<decltype(asio::use_awaitable),
                                            void(Result<RedisReply>)>(
        initiation, asio::use_awaitable, std::move(arguments));
}

asio::awaitable<std::vector<Result<RedisReply>>> RedisClient::pipeline(
    std::vector<std::vector<std::string>> commands) {
    ++waits_;
    using Replies = std::vector<Result<RedisReply>>;
    auto initiation = [this](auto handler, std::vector<std::vector<std::string>> sent) {
        auto work = asio::make_work_guard(asio::get_associated_executor(handler));
        struct Gathering {
            std::vector<std::optional<Result<RedisReply>>> replies;
            std::size_t left = 0;
        };
        auto gathering = std::make_shared<Gathering>();
        gathering->replies.resize(sent.size());
        gathering->left = sent.size();
        auto shared = std::make_shared<decltype(handler)>(std::move(handler));
        auto finish = [gathering, shared, work]() mutable {
            Replies replies;
            for (auto& reply : gathering->replies) {
                replies.push_back(std::move(*reply));
            }
            asio::post(work.get_executor(), [shared, replies = std::move(replies)]() mutable {
                (*shared)(std::move(replies));
            });
            work.reset();
        };
        if (sent.empty()) {
            finish();
            return;
        }
        // One dispatch: the commands go out together, in order, before any other's.
        asio::dispatch(strand_, [self = shared_from_this(), sent = std::move(sent), gathering,
                                 finish]() mutable {
            for (std::size_t i = 0; i < sent.size(); ++i) {
                self->sendOnStrand(std::move(sent[i]),
                                   [gathering, finish, i](Result<RedisReply> reply) mutable {
                                       gathering->replies[i] = std::move(reply);
                                       if (--gathering->left == 0) {
                                           finish();
                                       }
                                   });
            }
        });
    };
    co_return co_await asio::async_initiate<decltype(asio::use_awaitable), void(Replies)>(
        initiation, asio::use_awaitable, std::move(commands));
}

void RedisClient::watchHealth(std::chrono::seconds interval) {
    asio::dispatch(strand_, [self = shared_from_this(), interval] { self->checkHealth(interval); });
}

void RedisClient::checkHealth(std::chrono::seconds interval) {
    if (state_ == State::Stopped) {
        return;
    }
    // The answer is not needed: the connection logs its own transitions.
    sendOnStrand({"PING"}, [](Result<RedisReply>) {});
    health_.expires_after(interval);
    health_.async_wait([self = shared_from_this(), interval](boost::system::error_code error) {
        if (!error) {
            self->checkHealth(interval);
        }
    });
}

void RedisClient::stop() {
    asio::dispatch(strand_, [self = shared_from_this()] {
        self->state_ = State::Stopped;
        boost::system::error_code ignored;
        self->resolver_.cancel();
        self->timeout_.cancel();
        self->health_.cancel();
        self->socket_.close(ignored);
        self->failAllPending("redis client stopped");
    });
}

void RedisClient::sendOnStrand(std::vector<std::string> arguments, Completion done) {
    if (state_ == State::Stopped) {
        done(makeError("redis client stopped"));
        return;
    }
    if (pending_.size() >= kMaxPendingCommands) {
        done(makeError("redis unavailable: too many commands waiting for an answer"));
        return;
    }
    if (state_ == State::Disconnected) {
        if (Clock::now() < nextAttempt_) {
            done(makeError("redis unavailable (waiting before reconnecting)"));
            return;
        }
        connect();
    }
    auto deadline = Clock::now() + std::chrono::milliseconds(settings_.command_timeout_ms);
    enqueue(arguments, Pending{std::move(done), deadline, false});
}

void RedisClient::connect() {
    state_ = State::Connecting;
    std::uint64_t attempt = ++attempt_;
    if (reader_ != nullptr) {
        redisReaderFree(reader_);
    }
    reader_ = redisReaderCreate();
    outgoing_.clear();
    queueHandshake();
    // The connect timeout covers resolving, connecting and the handshake.
    timeout_.expires_after(std::chrono::milliseconds(settings_.connect_timeout_ms));
    timeout_.async_wait([self = shared_from_this(), attempt](boost::system::error_code error) {
        if (!error && attempt == self->attempt_ && self->state_ == State::Connecting) {
            self->fail("connect timed out");
        }
    });
    auto connected = [self = shared_from_this(), attempt](boost::system::error_code error) {
        self->onConnected(attempt, error);
    };
    if (!settings_.socket.empty()) {
        socket_.async_connect(asio::local::stream_protocol::endpoint(settings_.socket), connected);
        return;
    }
    resolver_.async_resolve(
        settings_.host, std::to_string(settings_.port),
        [self = shared_from_this(), attempt, connected](
            boost::system::error_code error, asio::ip::tcp::resolver::results_type results) {
            if (attempt != self->attempt_ || self->state_ != State::Connecting) {
                return;
            }
            if (error || results.empty()) {
                self->fail("cannot resolve " + self->settings_.host + ": " + error.message());
                return;
            }
            self->socket_.async_connect(results.begin()->endpoint(), connected);
        });
}

void RedisClient::queueHandshake() {
    auto deadline = Clock::now() + std::chrono::milliseconds(settings_.connect_timeout_ms);
    auto steps = redisHandshake(settings_);
    for (std::size_t i = 0; i < steps.size(); ++i) {
        std::string name = steps[i].front();
        bool last = i + 1 == steps.size();
        auto check = [this, name, last](Result<RedisReply> reply) {
            if (reply && reply->isError()) {
                // The AUTH error text never contains the password; it names the step only.
                fail(name + " refused: " + reply->text);
            } else if (reply && last) {
                state_ = State::Connected;
                // Commands queued while connecting get their full time from now.
                auto due = Clock::now() + std::chrono::milliseconds(settings_.command_timeout_ms);
                for (auto& entry : pending_) {
                    entry.deadline = std::max(entry.deadline, due);
                }
                timeout_.cancel();
                armTimeout();
                if (!everConnected_) {
                    logger_.info(LogLine("redis_connected").add("server", describeServer()));
                } else if (reportedDown_) {
                    logger_.info(LogLine("redis_available").add("server", describeServer()));
                }
                everConnected_ = true;
                reportedDown_ = false;
                delay_ = std::chrono::milliseconds(0);
            }
        };
        // connect() runs with nothing pending, so the handshake goes first on the wire.
        pending_.push_back(Pending{std::move(check), deadline, true});
        appendRedisCommand(outgoing_, steps[i]);
    }
}

void RedisClient::onConnected(std::uint64_t attempt, boost::system::error_code error) {
    if (attempt != attempt_ || state_ != State::Connecting) {
        return;
    }
    if (error) {
        fail("connect failed: " + error.message());
        return;
    }
    if (settings_.socket.empty()) {
        boost::system::error_code ignored;
        socket_.set_option(asio::ip::tcp::no_delay(true), ignored);
    }
    writeMore();
    readMore();
}

void RedisClient::enqueue(const std::vector<std::string>& arguments, Pending pending) {
    bool wasIdle = pending_.empty();
    pending_.push_back(std::move(pending));
    appendRedisCommand(outgoing_, arguments);
    if (state_ != State::Connected) {
        return;  // the handshake's completion (onConnected) starts writing
    }
    if (wasIdle) {
        armTimeout();
    }
    // Written at once: Redis starts on this command while later ones are still being
    // decided (commands queued during a write go out together in the next one). Holding
    // commands back to send them in bigger batches was measured slower: the requests
    // then move through policyd and Redis as one convoy instead of overlapping.
    writeMore();
}

void RedisClient::writeMore() {
    if (!writing_.empty() || outgoing_.empty() || !socket_.is_open()) {
        return;
    }
    writing_.swap(outgoing_);
    std::uint64_t attempt = attempt_;
    asio::async_write(
        socket_, asio::buffer(writing_),
        [self = shared_from_this(), attempt](boost::system::error_code error, std::size_t) {
            if (attempt != self->attempt_) {
                return;
            }
            self->writing_.clear();
            if (error) {
                self->fail("write failed: " + error.message());
                return;
            }
            self->writeMore();
        });
}

void RedisClient::readMore() {
    std::uint64_t attempt = attempt_;
    socket_.async_read_some(
        asio::buffer(readBuffer_),
        [self = shared_from_this(), attempt](boost::system::error_code error, std::size_t size) {
            self->onRead(attempt, error, size);
        });
}

void RedisClient::onRead(std::uint64_t attempt, boost::system::error_code error, std::size_t size) {
    if (attempt != attempt_ || state_ == State::Stopped || state_ == State::Disconnected) {
        return;
    }
    if (error) {
        fail(error == asio::error::eof ? std::string("redis closed the connection")
                                       : "read failed: " + error.message());
        return;
    }
    if (redisReaderFeed(reader_, readBuffer_.data(), size) != REDIS_OK) {
        fail("cannot buffer the reply");
        return;
    }
    while (true) {
        void* raw = nullptr;
        if (redisReaderGetReply(reader_, &raw) != REDIS_OK) {
            fail(std::string("protocol error: ") + reader_->errstr);
            return;
        }
        if (raw == nullptr) {
            break;
        }
        RedisReply reply = copyHiredisReply(*static_cast<redisReply*>(raw));
        freeReplyObject(raw);
        deliver(std::move(reply));
        if (attempt != attempt_ || state_ == State::Disconnected) {
            return;  // a handshake step failed and dropped the connection
        }
    }
    readMore();
}

void RedisClient::deliver(RedisReply reply) {
    if (pending_.empty()) {
        fail("an answer nobody asked for");
        return;
    }
    if (isLoadingReply(reply)) {
        fail("redis is loading its dataset");
        return;
    }
    Pending entry = std::move(pending_.front());
    pending_.pop_front();
    entry.done(std::move(reply));
    if (state_ == State::Connected && !pending_.empty()) {
        armTimeout();
    }
}

// One timer watches the oldest command: answers come in order, so when the oldest is
// late the connection is stuck and every command behind it is too.
void RedisClient::armTimeout() {
    if (pending_.empty()) {
        return;
    }
    timeout_.expires_at(pending_.front().deadline);
    std::uint64_t attempt = attempt_;
    timeout_.async_wait([self = shared_from_this(), attempt](boost::system::error_code error) {
        if (error || attempt != self->attempt_ || self->state_ != State::Connected ||
            self->pending_.empty()) {
            return;
        }
        if (self->pending_.front().deadline <= Clock::now()) {
            self->fail("command timed out");
        } else {
            self->armTimeout();
        }
    });
}

void RedisClient::fail(const std::string& reason) {
    if (state_ == State::Stopped) {
        return;
    }
    ++attempt_;  // every callback of the failed connection is now stale
    state_ = State::Disconnected;
    boost::system::error_code ignored;
    resolver_.cancel();
    timeout_.cancel();
    socket_.close(ignored);
    outgoing_.clear();
    writing_.clear();
    auto minimum = std::chrono::milliseconds(settings_.reconnect_min_delay_ms);
    auto maximum = std::chrono::milliseconds(settings_.reconnect_max_delay_ms);
    delay_ = delay_.count() == 0 ? minimum : std::min(delay_ * 2, maximum);
    nextAttempt_ = Clock::now() + delay_;
    if (!reportedDown_ && reports_outages_) {
        reportedDown_ = true;
        logger_.warning(LogLine("redis_unavailable")
                            .add("server", describeServer())
                            .add("reason", reason)
                            .add("retry_in_ms", static_cast<std::int64_t>(delay_.count())));
    }
    failAllPending("redis unavailable: " + reason);
}

void RedisClient::failAllPending(const std::string& reason) {
    std::deque<Pending> failed;
    failed.swap(pending_);
    for (auto& entry : failed) {
        if (!entry.internal) {
            entry.done(makeError(reason));
        }
    }
}

}  // namespace mailgate
