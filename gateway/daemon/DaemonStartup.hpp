// What the mailgate daemons share at startup and on SIGHUP: reading the command line
// (--config FILE, --version, --help), loading the first config snapshot (printing every
// problem and refusing to start on any), and reloading (a bad new config is logged and
// refused; the old snapshot stays). It does not install signal handlers: each daemon's
// event loop does that its own way.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "gateway/config/ConfigHolder.hpp"
#include "gateway/log/Logger.hpp"

namespace mailgate {

struct DaemonOptions {
    std::filesystem::path config_path = kDefaultConfigPath;
};

// Parses argv; prints usage or the version and returns nothing when the program should
// exit (exitCode tells with which status).
std::optional<DaemonOptions> parseDaemonOptions(int argc, char** argv, const std::string& program,
                                                int& exitCode);

// Loads the startup config; prints its problems to stderr and returns null on failure.
ConfigSnapshot loadStartupConfig(const std::filesystem::path& path);

// One config_deprecated_key warning per renamed key the snapshot's file still uses.
void logDeprecations(const Config& config, Logger& logger);

// Re-reads the config file and swaps it in when valid, reconfiguring the logger.
// Returns true when the new snapshot was installed.
bool reloadConfig(ConfigHolder& holder, const std::filesystem::path& path, Logger& logger);

}  // namespace mailgate
