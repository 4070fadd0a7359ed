// The libmilter callback table of mailgate-milter. Callbacks are thin: they copy what the
// MTA tells into the MilterSession (envelope, header fields, body bytes) and, at end of
// message, hand the message to the core's ContentPipeline and apply its Verdict
// (MilterVerdict.cpp). Any failure inside answers TEMPFAIL so the MTA keeps the mail;
// nothing is accepted or rejected by accident.
#pragma once

#include <libmilter/mfapi.h>

#include <atomic>
#include <cstdint>

#include "gateway/config/ConfigHolder.hpp"
#include "gateway/config/SnapshotCache.hpp"
#include "gateway/content/ContentPipeline.hpp"
#include "gateway/log/Logger.hpp"
#include "gateway/message/MailgateId.hpp"
#include "gateway/store/RedisConnection.hpp"

namespace mailgate {

// What every callback needs. libmilter gives callbacks no user pointer, so main() installs
// this once with installMilterContext() before smfi_main(); it never changes afterwards.
struct MilterContext {
    MilterContext(ConfigHolder& configHolder, Logger& log, RedisConnection& redisConnection)
        : config(configHolder),
          logger(log),
          redis(redisConnection),
          pipelines([](const Config& snapshot) {
              return std::make_shared<const ContentPipeline>(snapshot);
          }) {}

    ConfigHolder& config;
    Logger& logger;
    RedisConnection& redis;  // personal lists and the auto-whitelist
    MailgateIdGenerator ids;
    SnapshotCache<ContentPipeline> pipelines;
    std::atomic<std::uint64_t> messages_decided{0};  // for the milter_stopped line
};

void installMilterContext(MilterContext* context);
smfiDesc milterDescription();

inline constexpr const char* kMailgateIdHeader = "X-Mailgate-Id";

}  // namespace mailgate
