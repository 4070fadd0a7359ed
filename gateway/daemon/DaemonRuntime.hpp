// DaemonRuntime: what every mailgate daemon holds for its whole life once its startup
// config is loaded: the logger (configured from that config) and the config holder that
// reloads swap into. Built in this order, torn down in reverse. It knows no protocol and
// holds no connection: each daemon builds its services (Redis client, DNS resolver) on
// its own I/O context and its server on top.
#pragma once

#include <string>

#include "gateway/config/ConfigHolder.hpp"
#include "gateway/daemon/DaemonStartup.hpp"
#include "gateway/log/Logger.hpp"

namespace mailgate {

class DaemonRuntime {
  public:
    DaemonRuntime(const std::string& program, ConfigSnapshot initial)
        : logger(program), config(initial) {
        logger.configure(initial->log);
        logDeprecations(*initial, logger);
    }

    Logger logger;
    ConfigHolder config;
};

}  // namespace mailgate
