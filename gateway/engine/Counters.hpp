// Counters: process-lifetime event counts by name ("greylist_store_failures"), shared by
// every check of a daemon and kept across config reloads, so a count means "since start".
// Thread-safe. It only counts: logging and statistics read it.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace mailgate {

class Counters {
  public:
    // Adds one and returns the new count.
    std::uint64_t increment(const std::string& name) { return counter(name).fetch_add(1) + 1; }
    std::uint64_t value(const std::string& name) { return counter(name).load(); }

  private:
    std::atomic<std::uint64_t>& counter(const std::string& name) {
        std::lock_guard lock(mutex_);
        auto& slot = counters_[name];
        if (!slot) {
            slot = std::make_unique<std::atomic<std::uint64_t>>(0);
        }
        return *slot;
    }

    std::mutex mutex_;
    std::map<std::string, std::unique_ptr<std::atomic<std::uint64_t>>> counters_;
};

}  // namespace mailgate
