// Command line, startup config and reload shared by the daemons (see DaemonStartup.hpp).
#include "gateway/daemon/DaemonStartup.hpp"

#include <iostream>
#include <string_view>

#include "gateway/config/SettingSpec.hpp"
#include "gateway/engine/CheckedConfig.hpp"

namespace mailgate {

std::optional<DaemonOptions> parseDaemonOptions(int argc, char** argv, const std::string& program,
                                                int& exitCode) {
    DaemonOptions options;
    for (int i = 1; i < argc; ++i) {
        std::string_view argument = argv[i];
        if ((argument == "--config" || argument == "-c") && i + 1 < argc) {
            options.config_path = argv[++i];
        } else if (argument.substr(0, 9) == "--config=") {
            options.config_path = std::string(argument.substr(9));
        } else if (argument == "--version") {
            std::cout << program << " " << MAILGATE_VERSION << "\n";
            exitCode = 0;
            return std::nullopt;
        } else {
            bool help = argument == "--help" || argument == "-h";
            (help ? std::cout : std::cerr)
                << "usage: " << program << " [--config FILE]\n"
                << "  Runs in the foreground; logs where the config's [log] section says.\n"
                << "  --config FILE  main config file (default " << kDefaultConfigPath << ")\n"
                << "  SIGHUP reloads the config; SIGTERM or SIGINT stops.\n";
            exitCode = help ? 0 : 2;
            return std::nullopt;
        }
    }
    return options;
}

ConfigSnapshot loadStartupConfig(const std::filesystem::path& path) {
    auto outcome = loadCheckedConfig(path);
    if (!outcome.ok()) {
        std::cerr << describeProblems(outcome.problems);
        std::cerr << "config " << path.string() << " has " << outcome.problems.size()
                  << " problem(s); not starting\n";
        return nullptr;
    }
    return outcome.config;
}

void logDeprecations(const Config& config, Logger& logger) {
    for (const auto& deprecation : config.deprecations) {
        logger.warning(LogLine("config_deprecated_key")
                           .add("key", deprecation.key)
                           .add("where", deprecation.describe()));
    }
}

bool reloadConfig(ConfigHolder& holder, const std::filesystem::path& path, Logger& logger) {
    auto outcome = loadCheckedConfig(path);
    if (!outcome.ok()) {
        // Reopen the log with the settings in force, so logrotate works even while the
        // file on disk is broken.
        logger.configure(holder.current()->log);
        for (const auto& problem : outcome.problems) {
            logger.error(LogLine("config_problem").add("problem", problem.describe()));
        }
        logger.error(LogLine("config_reload_refused")
                         .add("file", path.string())
                         .add("problems", static_cast<std::int64_t>(outcome.problems.size()))
                         .add("kept_generation", holder.current()->generation));
        return false;
    }
    auto before = holder.current();
    auto after = holder.install(outcome);
    for (const auto& key : restartOnlyChanges(*before, *after)) {
        logger.warning(LogLine("config_change_needs_restart").add("key", key));
    }
    // Written with the old log settings, so the old log tells where the new one goes.
    logger.info(LogLine("config_reloaded")
                    .add("file", path.string())
                    .add("generation", after->generation)
                    .add("rule_files", static_cast<std::int64_t>(after->rule_files.size()))
                    .add("log_level", logLevelName(after->log.level)));
    logger.configure(after->log);
    logDeprecations(*after, logger);
    return true;
}

}  // namespace mailgate
