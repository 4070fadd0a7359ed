// mailgatectl: the command-line tool for postmasters and scripts. This file only
// dispatches to the commands; each command lives in its own file.
#include <iostream>
#include <string_view>

#include "tools/mailgatectl/CommandLine.hpp"

using namespace mailgate;

namespace {

void printUsage(std::ostream& out) {
    out << "usage: mailgatectl [--config FILE] COMMAND [ARGUMENTS]\n"
           "  --config FILE        main config file (default /etc/mailgate/mailgate.toml)\n"
           "commands:\n"
           "  check-config [FILE]  validate the config and its rule files; exit 1 on problems\n"
           "  show-config [FILE]   print every setting's effective value (secrets hidden)\n"
           "  config-reference     print the reference of every setting (Markdown)\n"
           "  symbols [FILE]       list every symbol the checks may report (CHECK<tab>SYMBOL)\n"
           "  redis-ping           connect to the configured Redis and PING it\n"
           "  dns [--dns IP:PORT] TYPE NAME...  look names up through mailgate's resolver\n"
           "  dnsbl --ip ADDRESS [--dns IP:PORT]  ask the DNS lists of [dnsbl] about an address\n"
           "  spf --ip ADDRESS --sender ADDRESS --helo NAME  evaluate SPF (RFC 7208)\n"
           "  check-client --ip ADDRESS [--helo NAME] [--sender ADDRESS] [--enable CHECK]...\n"
           "                       run the PTR/HELO/sender-domain checks for one client\n"
           "  greylist list|show|remove|clients|remove-client ...  greylisting state in Redis\n"
           "  lists show|add|remove|recipients ...  personal white and black lists in Redis\n"
           "  awl list|show|remove ...  the auto-whitelist's history in Redis\n"
           "  learn --spam|--ham|--forget PATH...  teach the statistical filter\n"
           "  bayes stats                what the statistical filter has learned\n"
           "  quarantine list|search|show|release|delete|reindex|expire ...  the quarantine\n"
           "  track [--queue-id ID] [--sender A] [--recipient A] [--since T] ...  what\n"
           "                       happened to a message and why (mailgatectl track --help)\n"
           "  scan [--sender A] [--rcpt A]... [--client-ip IP] [--json] FILE...\n"
           "                       run the content checks on message files, print the verdict\n"
           "  version              print the version\n";
}

}  // namespace

CommandLine mailgate::parseCommandLine(int argc, char** argv) {
    CommandLine line;
    for (int i = 1; i < argc; ++i) {
        std::string_view argument = argv[i];
        if ((argument == "--config" || argument == "-c") && i + 1 < argc) {
            line.config_path = argv[++i];
            line.config_given = true;
        } else if (argument.substr(0, 9) == "--config=") {
            line.config_path = std::string(argument.substr(9));
            line.config_given = true;
        } else if (line.command.empty()) {
            line.command = std::string(argument);
        } else {
            line.arguments.emplace_back(argument);
        }
    }
    return line;
}

int main(int argc, char** argv) {
    CommandLine line = parseCommandLine(argc, argv);
    if (line.command == "check-config") {
        return runCheckConfig(line);
    }
    if (line.command == "show-config") {
        return runShowConfig(line);
    }
    if (line.command == "config-reference") {
        return runConfigReference(line);
    }
    if (line.command == "symbols") {
        return runSymbols(line);
    }
    if (line.command == "dns") {
        return runDns(line);
    }
    if (line.command == "dnsbl") {
        return runDnsbl(line);
    }
    if (line.command == "check-client") {
        return runCheckClient(line);
    }
    if (line.command == "spf") {
        return runSpf(line);
    }
    if (line.command == "scan") {
        return runScan(line);
    }
    if (line.command == "greylist") {
        return runGreylist(line);
    }
    if (line.command == "lists") {
        return runLists(line);
    }
    if (line.command == "awl") {
        return runAwl(line);
    }
    if (line.command == "learn") {
        return runLearn(line);
    }
    if (line.command == "bayes") {
        return runBayes(line);
    }
    if (line.command == "quarantine") {
        return runQuarantine(line);
    }
    if (line.command == "track") {
        return runTrack(line);
    }
    if (line.command == "redis-ping") {
        return runRedisPing(line);
    }
    if (line.command == "version" || line.command == "--version") {
        std::cout << "mailgatectl " << MAILGATE_VERSION << "\n";
        return 0;
    }
    if (line.command == "help" || line.command == "--help" || line.command == "-h") {
        printUsage(std::cout);
        return 0;
    }
    if (!line.command.empty()) {
        std::cerr << "mailgatectl: unknown command \"" << line.command << "\"\n";
    }
    printUsage(std::cerr);
    return 2;
}
