// Config and resolver setup shared by mailgatectl commands (see CommandSetup.hpp).
#include "tools/mailgatectl/CommandSetup.hpp"

#include <iostream>

#include "gateway/config/ConfigLoader.hpp"
#include "gateway/config/SettingSpec.hpp"
#include "gateway/engine/CheckedConfig.hpp"

namespace mailgate {

LogSettings quietLogSettings() {
    LogSettings quiet;
    quiet.destination = LogDestination::Stderr;
    quiet.level = LogLevel::Error;
    return quiet;
}

bool takeResolverOption(const std::vector<std::string>& arguments, std::size_t& index,
                        ResolverChoice& choice) {
    const auto& argument = arguments[index];
    if (index + 1 >= arguments.size()) {
        return false;
    }
    if (argument == "--dns") {
        choice.servers.push_back(arguments[++index]);
        return true;
    }
    if (argument == "--timeout-ms") {
        choice.timeout_ms = std::atoll(arguments[++index].c_str());
        return true;
    }
    return false;
}

Result<Config> loadCommandConfig(const CommandLine& line) {
    if (!line.config_given && !std::filesystem::exists(line.config_path)) {
        return defaultConfig();
    }
    auto outcome = loadCheckedConfig(line.config_path);
    if (!outcome.ok()) {
        return makeError(describeProblems(outcome.problems));
    }
    return *outcome.config;
}

Result<std::shared_ptr<DnsResolver>> makeCommandResolver(boost::asio::io_context& io,
                                                         const Config& config,
                                                         const ResolverChoice& choice) {
    DnsResolverSettings settings{choice.servers.empty() ? config.dns.servers : choice.servers,
                                 choice.timeout_ms > 0 ? choice.timeout_ms : config.dns.timeout_ms};
    return DnsResolver::create(io, settings);
}

bool CommandRedis::connect(std::string_view command) {
    if (redis_.connect()) {
        return true;
    }
    std::cerr << "mailgatectl " << command << ": cannot reach Redis at " << redis_.describeServer()
              << "\n";
    return false;
}

}  // namespace mailgate
