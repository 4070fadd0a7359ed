// QuietLogger: the logger the store tests hand to Redis clients: errors only, to stderr,
// so an expected "redis unavailable" does not flood the test output. Test support only.
#pragma once

#include "gateway/log/Logger.hpp"

namespace mailgate::testing {

inline Logger& quietLogger() {
    static Logger logger("store-test");
    static bool configured = [] {
        LogSettings settings;
        settings.destination = LogDestination::Stderr;
        settings.level = LogLevel::Error;
        logger.configure(settings);
        return true;
    }();
    (void)configured;
    return logger;
}

}  // namespace mailgate::testing
