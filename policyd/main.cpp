// mailgate-policyd: the Postfix SMTP access policy daemon (check_policy_service).
// Wires config, logging, the services (the DNS resolver, the asynchronous Redis client,
// the greylisting store and the tracking writer over it), the decider and the PolicyServer to one
// io_context run by policyd.threads threads, and handles SIGHUP (reload), SIGTERM and SIGINT
// (stop).
#include <chrono>
#include <iostream>
#include <thread>
#include <vector>

#include "gateway/checks/greylist/RedisGreylistStore.hpp"
#include "gateway/daemon/DaemonRuntime.hpp"
#include "gateway/daemon/DaemonStartup.hpp"
#include "gateway/dns/DnsResolver.hpp"
#include "gateway/net/LocalHostName.hpp"
#include "gateway/store/RedisClient.hpp"
#include "gateway/tracking/MessageTracker.hpp"
#include "gateway/util/Asio.hpp"
#include "policyd/PolicyServer.hpp"

using namespace mailgate;

namespace {

void handleSignals(boost::asio::signal_set& signals, ConfigHolder& config,
                   const DaemonOptions& options, Logger& logger, PolicyServer& server,
                   RedisClient& redis, boost::asio::io_context& io) {
    signals.async_wait([&](boost::system::error_code error, int signal) {
        if (error) {
            return;
        }
        if (signal == SIGHUP) {
            reloadConfig(config, options.config_path, logger);
            handleSignals(signals, config, options, logger, server, redis, io);
            return;
        }
        logger.info(LogLine("policyd_stopping").add("signal", signal));
        server.stop();
        redis.stop();
        io.stop();
    });
}

}  // namespace

int main(int argc, char** argv) {
    int exitCode = 0;
    auto options = parseDaemonOptions(argc, argv, "mailgate-policyd", exitCode);
    if (!options) {
        return exitCode;
    }
    auto initial = loadStartupConfig(options->config_path);
    if (!initial) {
        return 1;
    }
    DaemonRuntime runtime("mailgate-policyd", initial);
    Logger& logger = runtime.logger;
    ConfigHolder& config = runtime.config;

    boost::asio::io_context io;
    DnsResolverSettings dnsSettings{initial->dns.servers, initial->dns.timeout_ms};
    auto resolver = DnsResolver::create(io, dnsSettings);
    if (!resolver) {
        logger.error(LogLine("policyd_start_failed").add("reason", resolver.error()));
        std::cerr << "mailgate-policyd: " << resolver.error() << "\n";
        return 1;
    }
    auto redis = RedisClient::create(io, initial->redis, logger);
    redis->watchHealth(std::chrono::seconds(initial->redis.health_check_interval_s));
    Services services;
    services.logger = &logger;
    services.dns = resolver->get();
    services.redis = redis;
    services.greylist_store = std::make_shared<RedisGreylistStore>(redis);
    services.tracker = MessageTracker::withOwnConnection(initial->redis, logger, services.counters,
                                                         localHostName());
    PolicyDecider decider(logger, services);
    auto context = std::make_shared<PolicyServerContext>(config, decider, logger);
    PolicyServer server(io, context);
    auto listening =
        server.listen(initial->policyd.listen, static_cast<int>(initial->policyd.socket_mode));
    if (!listening) {
        logger.error(LogLine("policyd_start_failed").add("reason", listening.error()));
        std::cerr << "mailgate-policyd: " << listening.error() << "\n";
        return 1;
    }

    boost::asio::signal_set signals(io, SIGHUP, SIGTERM, SIGINT);
    handleSignals(signals, config, *options, logger, server, *redis, io);
    logger.info(
        LogLine("policyd_started")
            .add("config", options->config_path.string())
            .add("threads", initial->policyd.threads)
            .add("policy_header", initial->policy_header.secret.empty() ? "off" : "signed"));

    std::vector<std::thread> workers;
    for (std::int64_t i = 1; i < initial->policyd.threads; ++i) {
        workers.emplace_back([&io] { io.run(); });
    }
    io.run();
    for (auto& worker : workers) {
        worker.join();
    }
    logger.info(LogLine("policyd_stopped"));
    return 0;
}
