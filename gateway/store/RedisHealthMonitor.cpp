// The periodic Redis PING (see RedisHealthMonitor.hpp).
#include "gateway/store/RedisHealthMonitor.hpp"

namespace mailgate {

RedisHealthMonitor::RedisHealthMonitor(RedisConnection& redis, std::chrono::seconds interval)
    : redis_(redis), interval_(interval), thread_([this] { run(); }) {}

RedisHealthMonitor::~RedisHealthMonitor() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();
}

void RedisHealthMonitor::run() {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
        lock.unlock();
        // The outcome is logged by the connection on each change; nothing to do here.
        [[maybe_unused]] auto reply = redis_.command({"PING"});
        lock.lock();
        wake_.wait_for(lock, interval_, [this] { return stopping_; });
    }
}

}  // namespace mailgate
