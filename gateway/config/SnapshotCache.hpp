// SnapshotCache<T>: what a daemon builds once per config snapshot (the SMTP-stage policy,
// the content pipeline): built on first use after a reload, then shared by every request
// that holds the same snapshot. Requests still holding an older snapshot get the object
// built for the newest one only if theirs is the newest; otherwise their own snapshot's
// object is built for them (rare: a reload during a request). Thread-safe.
#pragma once

#include <functional>
#include <memory>
#include <mutex>

#include "gateway/config/Config.hpp"

namespace mailgate {

template <class T>
class SnapshotCache {
  public:
    using Factory = std::function<std::shared_ptr<const T>(const Config&)>;

    explicit SnapshotCache(Factory factory) : factory_(std::move(factory)) {}

    std::shared_ptr<const T> get(const ConfigSnapshot& config) {
        std::lock_guard lock(mutex_);
        if (built_for_ != config) {
            built_ = factory_(*config);
            built_for_ = config;
        }
        return built_;
    }

  private:
    Factory factory_;
    std::mutex mutex_;
    ConfigSnapshot built_for_;
    std::shared_ptr<const T> built_;
};

}  // namespace mailgate
