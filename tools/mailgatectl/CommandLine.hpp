// CommandLine: the arguments of one mailgatectl invocation: the command name, the
// global --config FILE option (default /etc/mailgate/mailgate.toml), and the rest.
// Each command reads its own options from `arguments`; this only splits.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "gateway/config/Config.hpp"

namespace mailgate {

struct CommandLine {
    std::string command;
    std::filesystem::path config_path = kDefaultConfigPath;
    bool config_given = false;
    std::vector<std::string> arguments;
};

CommandLine parseCommandLine(int argc, char** argv);

// The commands; each returns the process exit status.
int runCheckConfig(const CommandLine& line);
int runShowConfig(const CommandLine& line);
int runConfigReference(const CommandLine& line);
int runSymbols(const CommandLine& line);
int runRedisPing(const CommandLine& line);
int runDns(const CommandLine& line);
int runDnsbl(const CommandLine& line);
int runCheckClient(const CommandLine& line);
int runSpf(const CommandLine& line);
int runGreylist(const CommandLine& line);
int runScan(const CommandLine& line);
int runLists(const CommandLine& line);
int runAwl(const CommandLine& line);
int runLearn(const CommandLine& line);
int runBayes(const CommandLine& line);
int runQuarantine(const CommandLine& line);
int runTrack(const CommandLine& line);

}  // namespace mailgate
