// The libmilter callback table of mailgate-milter. Callbacks are thin: they copy what the
// MTA tells into the MilterSession (envelope, header fields, body bytes) and, at end of
// message, hand the message to the core's ContentStage and translate its decision into
// libmilter calls (MilterVerdict.cpp). Any failure inside answers TEMPFAIL so the MTA
// keeps the mail; nothing is accepted or rejected by accident.
#pragma once

#include <libmilter/mfapi.h>

#include <atomic>
#include <cstdint>

#include "gateway/config/ConfigHolder.hpp"
#include "gateway/config/SnapshotCache.hpp"
#include "gateway/engine/ContentStage.hpp"
#include "gateway/engine/Services.hpp"
#include "gateway/log/Logger.hpp"
#include "gateway/message/MailgateId.hpp"
#include "gateway/quarantine/QuarantineWriter.hpp"

namespace mailgate {

// What every callback needs. libmilter gives callbacks no user pointer, so main() installs
// this once with installMilterContext() before smfi_main(); it never changes afterwards.
struct MilterContext {
    MilterContext(ConfigHolder& configHolder, Logger& log, const Services& processServices)
        : config(configHolder),
          logger(log),
          services(processServices),
          stages([&processServices](const Config& snapshot) {
              return std::make_shared<const ContentStage>(snapshot, processServices);
          }) {}

    ConfigHolder& config;
    Logger& logger;
    const Services& services;  // the Redis client on the milter's I/O thread, counters
    MailgateIdGenerator ids;
    SnapshotCache<ContentStage> stages;
    QuarantineWriter* quarantine = nullptr;          // the spool writer, set by main
    std::atomic<std::uint64_t> messages_decided{0};  // for the milter_stopped line
};

void installMilterContext(MilterContext* context);
smfiDesc milterDescription();

inline constexpr const char* kMailgateIdHeader = "X-Mailgate-Id";

}  // namespace mailgate
