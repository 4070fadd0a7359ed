// What the mailgatectl commands set up the same way: the prologue (options, the config
// snapshot: the --config file, or the defaults when the default file does not exist, and
// the connection to the config's Redis), a DNS resolver that honours the --dns HOST:PORT
// (repeatable) and --timeout-ms options, and the commands' own quiet log settings.
// It parses only those options; each command reads its own.
#pragma once

#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gateway/config/Config.hpp"
#include "gateway/dns/DnsResolver.hpp"
#include "gateway/store/RedisConnection.hpp"
#include "gateway/util/Result.hpp"
#include "tools/mailgatectl/CommandLine.hpp"

namespace mailgate {

struct ResolverChoice {
    std::vector<std::string> servers;  // from --dns; empty = dns.servers
    std::int64_t timeout_ms = -1;      // from --timeout-ms; -1 = dns.timeout_ms
};

// Where a command's own logger writes: errors only, to stderr (a command prints its
// results to stdout; the daemons' log destinations are not its).
LogSettings quietLogSettings();
// Consumes arguments[index] (and its value) when it is --dns or --timeout-ms.
bool takeResolverOption(const std::vector<std::string>& arguments, std::size_t& index,
                        ResolverChoice& choice);
// The config file given, or the default one if it exists, or the defaults; problems are
// printed to stderr and make it fail.
Result<Config> loadCommandConfig(const CommandLine& line);
// The config's Redis for a command that reads or changes state there (greylist, lists,
// awl), with the logger the connection needs alive as long as it is.
class CommandRedis {
  public:
    explicit CommandRedis(const RedisSettings& settings)
        : logger_("mailgatectl"), redis_(settings, logger_) {}
    // Connects now; on failure prints "mailgatectl COMMAND: cannot reach Redis at ...".
    bool connect(std::string_view command);
    RedisConnection& connection() { return redis_; }

  private:
    Logger logger_;
    RedisConnection redis_;
};

// The prologue every command shares, in the order each needs it: its options (or its
// usage on stderr, exit status 2), the config (or its problems, 1), and, when the
// command works on Redis, the connection (or "cannot reach Redis", 1). On a failure it
// returns nothing and sets `status` to the exit status the command returns.
template <class Options>
struct CommandStart {
    Options options;
    Config config;
    std::unique_ptr<CommandRedis> redis;  // with needsRedis
};

template <class Options>
std::optional<CommandStart<Options>> startCommand(const CommandLine& line, std::string_view name,
                                                  const char* usage, std::optional<Options> options,
                                                  bool needsRedis, int& status) {
    if (!options) {
        std::cerr << usage;
        status = 2;
        return std::nullopt;
    }
    auto loaded = loadCommandConfig(line);
    if (!loaded) {
        std::cerr << loaded.error();
        status = 1;
        return std::nullopt;
    }
    CommandStart<Options> start{std::move(*options), std::move(*loaded), nullptr};
    if (needsRedis) {
        start.redis = std::make_unique<CommandRedis>(start.config.redis);
        if (!start.redis->connect(name)) {
            status = 1;
            return std::nullopt;
        }
    }
    return start;
}

Result<std::shared_ptr<DnsResolver>> makeCommandResolver(boost::asio::io_context& io,
                                                         const Config& config,
                                                         const ResolverChoice& choice);

}  // namespace mailgate
