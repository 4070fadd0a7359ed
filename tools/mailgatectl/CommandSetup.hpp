// What several mailgatectl commands set up the same way: the config snapshot (the
// --config file, or the defaults when the default file does not exist), a DNS
// resolver that honours the --dns HOST:PORT (repeatable) and --timeout-ms options, and
// the connection to the config's Redis.
// It parses only those options; each command reads its own.
#pragma once

#include <memory>
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

Result<std::shared_ptr<DnsResolver>> makeCommandResolver(boost::asio::io_context& io,
                                                         const Config& config,
                                                         const ResolverChoice& choice);

}  // namespace mailgate
