// mailgate-milter: the libmilter front end for Postfix and Sendmail. Its services (the
// asynchronous Redis client, and a DNS resolver when a content check asks DNS, on an I/O
// thread of their own) are built once here.
// libmilter's own signal thread stops the milter on SIGHUP, so this main() keeps the
// signals for itself: it runs smfi_main() on a separate thread (which, with all libmilter
// threads, has HUP/TERM/INT blocked) and leaves them unblocked only in the main thread,
// which Linux prefers for process-directed signals. A handler writes the signal number to
// a pipe; the main thread reads it, reloads the config on SIGHUP and calls smfi_stop()
// on SIGTERM/SIGINT.
#include <fcntl.h>
#include <libmilter/mfapi.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <iostream>
#include <thread>

#include "gateway/config/SocketAddress.hpp"
#include "gateway/daemon/DaemonRuntime.hpp"
#include "gateway/daemon/DaemonStartup.hpp"
#include "gateway/engine/ContentResolver.hpp"
#include "gateway/engine/Services.hpp"
#include "gateway/net/LocalHostName.hpp"
#include "gateway/quarantine/QuarantineOperations.hpp"
#include "gateway/quarantine/QuarantineWriter.hpp"
#include "gateway/store/RedisClient.hpp"
#include "gateway/tracking/MessageTracker.hpp"
#include "gateway/util/Asio.hpp"
#include "milter/ListenerStop.hpp"
#include "milter/MilterCallbacks.hpp"

using namespace mailgate;

namespace {

int signalPipe[2] = {-1, -1};

extern "C" void onSignal(int signal) {
    int saved = errno;
    auto byte = static_cast<unsigned char>(signal);
    [[maybe_unused]] auto written = write(signalPipe[1], &byte, 1);
    errno = saved;
}

sigset_t controlSignals() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGHUP);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    return set;
}

bool installSignalHandlers() {
    if (pipe2(signalPipe, O_CLOEXEC) != 0) {
        return false;
    }
    struct sigaction action {};
    action.sa_handler = onSignal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    for (int signal : {SIGHUP, SIGTERM, SIGINT}) {
        if (sigaction(signal, &action, nullptr) != 0) {
            return false;
        }
    }
    return true;
}

// Opens the milter socket before smfi_main so its permissions can be set and a
// failure is reported at startup rather than inside libmilter's thread.
bool openMilterSocket(const Config& config, Logger& logger) {
    std::string socket = config.milter.socket;
    if (smfi_setconn(socket.data()) != MI_SUCCESS ||
        smfi_settimeout(static_cast<int>(config.milter.mta_timeout_s)) != MI_SUCCESS ||
        smfi_setbacklog(static_cast<int>(config.milter.backlog)) != MI_SUCCESS) {
        logger.error(LogLine("milter_start_failed").add("reason", "invalid socket settings"));
        return false;
    }
    smfiDesc description = milterDescription();
    if (smfi_register(description) != MI_SUCCESS) {
        logger.error(LogLine("milter_start_failed").add("reason", "smfi_register failed"));
        return false;
    }
    if (smfi_opensocket(true) != MI_SUCCESS) {
        logger.error(LogLine("milter_start_failed")
                         .add("reason", "cannot open the milter socket")
                         .add("socket", socket));
        return false;
    }
    auto address = parseMilterSocketAddress(socket);
    if (address && address->kind == SocketAddress::Kind::Unix &&
        chmod(address->path.c_str(), static_cast<mode_t>(config.milter.socket_mode)) != 0) {
        logger.error(LogLine("milter_start_failed").add("reason", "cannot chmod the socket"));
        return false;
    }
    return true;
}

// The quarantine spool, opened once (its settings need a restart); leftovers of a crash
// are cleaned first. A spool that cannot be opened is logged; mail meant for the
// quarantine is then tempfailed, never accepted.
std::unique_ptr<QuarantineWriter> openQuarantine(const Config& config,
                                                 std::shared_ptr<RedisClient> redis,
                                                 Logger& logger) {
    QuarantineSpoolSettings settings;
    settings.max_bytes = static_cast<std::uint64_t>(config.quarantine.max_size_mb) << 20;
    settings.max_entries = static_cast<std::uint64_t>(config.quarantine.max_entries);
    std::string node = quarantineNodeName(config.quarantine);
    auto spool = QuarantineSpool::open(config.quarantine.directory, settings);
    if (!spool) {
        logger.warning(LogLine("quarantine_unavailable")
                           .add("directory", config.quarantine.directory)
                           .add("reason", spool.error())
                           .add("effect", "mail to quarantine is tempfailed"));
        return std::make_unique<QuarantineWriter>(nullptr, spool.error(), std::move(redis), logger,
                                                  node);
    }
    auto cleaned = (*spool)->removeLeftovers();
    if (cleaned) {
        logger.info(LogLine("quarantine_opened")
                        .add("directory", config.quarantine.directory)
                        .add("node", node)
                        .add("removed_temporary_files", cleaned->temporary_files)
                        .add("removed_orphan_messages", cleaned->orphan_bodies));
    } else {
        logger.warning(LogLine("quarantine_cleanup_failed").add("reason", cleaned.error()));
    }
    return std::make_unique<QuarantineWriter>(std::move(*spool), "", std::move(redis), logger,
                                              node);
}

}  // namespace

int main(int argc, char** argv) {
    int exitCode = 0;
    auto options = parseDaemonOptions(argc, argv, "mailgate-milter", exitCode);
    if (!options) {
        return exitCode;
    }
    auto initial = loadStartupConfig(options->config_path);
    if (!initial) {
        return 1;
    }
    DaemonRuntime runtime("mailgate-milter", initial);
    Logger& logger = runtime.logger;
    ConfigHolder& config = runtime.config;

    // The asynchronous Redis client lives on an I/O thread of its own; libmilter's worker
    // threads send it a message's reads in one batch and wait for the answers once.
    boost::asio::io_context io;
    auto ioWork = boost::asio::make_work_guard(io);
    Services services;
    services.logger = &logger;
    services.redis = RedisClient::create(io, initial->redis, logger);
    services.redis->watchHealth(std::chrono::seconds(initial->redis.health_check_interval_s));
    services.tracker = MessageTracker::withOwnConnection(initial->redis, logger, services.counters,
                                                         localHostName());
    // Only when a content check asks DNS (the URI lists); without it such a check reports
    // URIBL_UNAVAILABLE on every message, and mail still flows.
    auto dns = makeContentResolver(io, *initial);
    if (dns.resolver) {
        services.dns = dns.resolver.get();
    } else if (dns.needed) {
        logger.error(LogLine("milter_dns_unavailable").add("reason", dns.problem));
    }
    std::thread ioThread([&io] { io.run(); });
    auto quarantine = openQuarantine(*initial, services.redis, logger);
    MilterContext context(config, logger, services);
    context.quarantine = quarantine.get();
    installMilterContext(&context);
    auto stopIo = [&] {
        services.redis->stop();
        ioWork.reset();
        io.stop();
        ioThread.join();
    };
    if (!installSignalHandlers() || !openMilterSocket(*initial, logger)) {
        std::cerr << "mailgate-milter: cannot start; see the log\n";
        stopIo();
        return 1;
    }

    sigset_t signals = controlSignals();
    sigset_t previous;
    pthread_sigmask(SIG_BLOCK, &signals, &previous);
    int milterResult = MI_SUCCESS;
    std::thread milterThread([&milterResult] { milterResult = smfi_main(); });
    pthread_sigmask(SIG_SETMASK, &previous, nullptr);
    logger.info(LogLine("milter_started")
                    .add("config", options->config_path.string())
                    .add("socket", initial->milter.socket));

    while (true) {
        unsigned char signal = 0;
        auto got = read(signalPipe[0], &signal, 1);
        if (got < 0 && errno == EINTR) {
            continue;
        }
        if (got == 1 && signal == SIGHUP) {
            reloadConfig(config, options->config_path, logger);
            continue;
        }
        logger.info(LogLine("milter_stopping").add("signal", static_cast<int>(signal)));
        stopMilterListener(initial->milter.socket);
        break;
    }
    milterThread.join();
    std::uint64_t redisWaits = services.redis->waits();
    stopIo();
    auto address = parseMilterSocketAddress(initial->milter.socket);
    if (address && address->kind == SocketAddress::Kind::Unix) {
        unlink(address->path.c_str());
    }
    // Redis waits per message are what the content stage costs in round trips
    // (bench/milter_content.py --recipients N --personal-lists reads them here).
    logger.info(LogLine("milter_stopped")
                    .add("messages", context.messages_decided.load())
                    .add("redis_waits", redisWaits)
                    .add("tracking_records_lost", services.tracker->lost()));
    return milterResult == MI_SUCCESS ? 0 : 1;
}
