// ConfigHolder: the current config snapshot of a running daemon, swapped atomically on
// reload. A request takes the snapshot once (`current()`) and keeps it until it is
// answered, so a reload never changes the settings under a request in flight. The holder
// does not read files; `reload` takes a loader outcome and refuses a bad one.
#pragma once

#include <atomic>
#include <memory>

#include "gateway/config/Config.hpp"
#include "gateway/config/ConfigLoader.hpp"

namespace mailgate {

class ConfigHolder {
  public:
    explicit ConfigHolder(ConfigSnapshot initial) : current_(std::move(initial)) {}

    ConfigSnapshot current() const { return current_.load(std::memory_order_acquire); }

    // Installs the outcome's snapshot with the next generation number, or keeps the old
    // one when the outcome has problems. Returns the snapshot now current.
    ConfigSnapshot install(const ConfigLoadOutcome& outcome) {
        if (!outcome.ok()) {
            return current();
        }
        auto next = std::make_shared<Config>(*outcome.config);
        next->generation = current()->generation + 1;
        ConfigSnapshot snapshot = std::move(next);
        current_.store(snapshot, std::memory_order_release);
        return snapshot;
    }

  private:
    std::atomic<ConfigSnapshot> current_;
};

}  // namespace mailgate
