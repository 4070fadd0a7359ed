// The hiredis-backed Redis connection (see RedisConnection.hpp).
#include "gateway/store/RedisConnection.hpp"

#include <hiredis/hiredis.h>

#include <algorithm>

#include "gateway/store/HiredisReply.hpp"
#include "gateway/store/RedisHandshake.hpp"

namespace mailgate {
namespace {

timeval toTimeval(std::int64_t milliseconds) {
    timeval tv{};
    tv.tv_sec = static_cast<time_t>(milliseconds / 1000);
    tv.tv_usec = static_cast<suseconds_t>((milliseconds % 1000) * 1000);
    return tv;
}

}  // namespace

RedisConnection::RedisConnection(RedisSettings settings, Logger& logger)
    : settings_(std::move(settings)), logger_(logger) {}

RedisConnection::~RedisConnection() {
    std::lock_guard lock(mutex_);
    disconnectLocked();
}

std::string RedisConnection::describeServer() const {
    if (!settings_.socket.empty()) {
        return "unix:" + settings_.socket;
    }
    return settings_.host + ":" + std::to_string(settings_.port);
}

bool RedisConnection::connected() const {
    std::lock_guard lock(mutex_);
    return context_ != nullptr;
}

std::uint64_t RedisConnection::failureCount() const {
    std::lock_guard lock(mutex_);
    return failures_;
}

bool RedisConnection::connect() {
    std::lock_guard lock(mutex_);
    if (context_ != nullptr) {
        return true;
    }
    if (Clock::now() < nextAttempt_) {
        return false;
    }
    auto result = connectLocked();
    if (!result) {
        failLocked(result.error());
    }
    return result.ok();
}

void RedisConnection::disconnectLocked() {
    if (context_ != nullptr) {
        redisFree(context_);
        context_ = nullptr;
    }
}

void RedisConnection::failLocked(const std::string& reason) {
    disconnectLocked();
    ++failures_;
    auto minimum = std::chrono::milliseconds(settings_.reconnect_min_delay_ms);
    auto maximum = std::chrono::milliseconds(settings_.reconnect_max_delay_ms);
    delay_ = delay_.count() == 0 ? minimum : std::min(delay_ * 2, maximum);
    nextAttempt_ = Clock::now() + delay_;
    if (!reportedDown_) {
        reportedDown_ = true;
        logger_.warning(LogLine("redis_unavailable")
                            .add("server", describeServer())
                            .add("reason", reason)
                            .add("retry_in_ms", static_cast<std::int64_t>(delay_.count())));
    }
}

Result<void> RedisConnection::connectLocked() {
    auto timeout = toTimeval(settings_.connect_timeout_ms);
    context_ = settings_.socket.empty()
                   ? redisConnectWithTimeout(settings_.host.c_str(),
                                             static_cast<int>(settings_.port), timeout)
                   : redisConnectUnixWithTimeout(settings_.socket.c_str(), timeout);
    if (context_ == nullptr) {
        return makeError("cannot allocate a redis context");
    }
    if (context_->err != 0) {
        return makeError(std::string("connect failed: ") + context_->errstr);
    }
    auto commandTimeout = toTimeval(settings_.command_timeout_ms);
    if (redisSetTimeout(context_, commandTimeout) != REDIS_OK) {
        return makeError("cannot set the command timeout");
    }
    auto handshake = handshakeLocked();
    if (!handshake) {
        return handshake;
    }
    if (reportedDown_) {
        logger_.info(LogLine("redis_available").add("server", describeServer()));
    }
    reportedDown_ = false;
    delay_ = std::chrono::milliseconds(0);
    return {};
}

Result<void> RedisConnection::handshakeLocked() {
    for (const auto& step : redisHandshake(settings_)) {
        auto reply = sendLocked(step);
        if (!reply) {
            return makeError(reply.error());
        }
        if (reply->isError()) {
            // The AUTH error text never contains the password; it names the step only.
            return makeError(step.front() + " refused: " + reply->text);
        }
    }
    return {};
}

Result<RedisReply> RedisConnection::sendLocked(const std::vector<std::string>& arguments) {
    ++waits_;
    std::vector<const char*> pointers;
    std::vector<std::size_t> lengths;
    pointers.reserve(arguments.size());
    lengths.reserve(arguments.size());
    for (const auto& argument : arguments) {
        pointers.push_back(argument.data());
        lengths.push_back(argument.size());
    }
    auto* raw = static_cast<redisReply*>(redisCommandArgv(
        context_, static_cast<int>(arguments.size()), pointers.data(), lengths.data()));
    if (raw == nullptr) {
        std::string reason =
            context_->err == REDIS_ERR_IO && (errno == EAGAIN || errno == EWOULDBLOCK)
                ? std::string("command timed out")
                : std::string("connection lost: ") + context_->errstr;
        return makeError(reason);
    }
    RedisReply reply = copyHiredisReply(*raw);
    freeReplyObject(raw);
    if (isLoadingReply(reply)) {
        return makeError("redis is loading its dataset");
    }
    return reply;
}

Result<RedisReply> RedisConnection::command(const std::vector<std::string>& arguments) {
    std::lock_guard lock(mutex_);
    if (context_ == nullptr) {
        if (Clock::now() < nextAttempt_) {
            return makeError("redis unavailable (waiting before reconnecting)");
        }
        auto connected = connectLocked();
        if (!connected) {
            failLocked(connected.error());
            return makeError("redis unavailable: " + connected.error());
        }
    }
    auto reply = sendLocked(arguments);
    if (!reply) {
        failLocked(reply.error());
        return makeError("redis unavailable: " + reply.error());
    }
    return reply;
}

Result<std::vector<RedisReply>> RedisConnection::pipeline(
    const std::vector<std::vector<std::string>>& commands) {
    std::lock_guard lock(mutex_);
    if (context_ == nullptr) {
        if (Clock::now() < nextAttempt_) {
            return makeError("redis unavailable (waiting before reconnecting)");
        }
        auto connected = connectLocked();
        if (!connected) {
            failLocked(connected.error());
            return makeError("redis unavailable: " + connected.error());
        }
    }
    ++waits_;
    for (const auto& arguments : commands) {
        std::vector<const char*> pointers;
        std::vector<std::size_t> lengths;
        for (const auto& argument : arguments) {
            pointers.push_back(argument.data());
            lengths.push_back(argument.size());
        }
        if (redisAppendCommandArgv(context_, static_cast<int>(arguments.size()), pointers.data(),
                                   lengths.data()) != REDIS_OK) {
            std::string reason = std::string("cannot queue a command: ") + context_->errstr;
            failLocked(reason);
            return makeError("redis unavailable: " + reason);
        }
    }
    std::vector<RedisReply> replies;
    replies.reserve(commands.size());
    for (std::size_t index = 0; index < commands.size(); ++index) {
        void* raw = nullptr;
        if (redisGetReply(context_, &raw) != REDIS_OK || raw == nullptr) {
            std::string reason =
                context_->err == REDIS_ERR_IO && (errno == EAGAIN || errno == EWOULDBLOCK)
                    ? std::string("command timed out")
                    : std::string("connection lost: ") + context_->errstr;
            failLocked(reason);
            return makeError("redis unavailable: " + reason);
        }
        replies.push_back(copyHiredisReply(*static_cast<redisReply*>(raw)));
        freeReplyObject(raw);
        if (isLoadingReply(replies.back())) {
            failLocked("redis is loading its dataset");
            return makeError("redis unavailable: redis is loading its dataset");
        }
    }
    return replies;
}

Result<std::vector<std::string>> RedisConnection::scanKeys(const std::string& pattern) {
    std::vector<std::string> keys;
    std::string cursor = "0";
    do {
        auto reply = command({"SCAN", cursor, "MATCH", pattern, "COUNT", "1000"});
        if (!reply) {
            return makeError(reply.error());
        }
        if (reply->type != RedisReply::Type::Array || reply->elements.size() != 2) {
            return makeError("unexpected SCAN answer");
        }
        cursor = reply->elements[0].text;
        for (const auto& element : reply->elements[1].elements) {
            keys.push_back(element.text);
        }
    } while (cursor != "0");
    return keys;
}

}  // namespace mailgate
