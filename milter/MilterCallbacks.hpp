// The libmilter callback table of mailgate-milter. Callbacks are thin: they copy what the
// MTA tells into the MilterSession and, at end of message, apply the outcome (for now:
// replace any X-Mailgate-Id that came from outside with ours, accept, log the decision).
// Any failure inside answers TEMPFAIL so the MTA keeps the mail; nothing is accepted or
// rejected by accident.
#pragma once

#include <libmilter/mfapi.h>

#include "gateway/config/ConfigHolder.hpp"
#include "gateway/log/Logger.hpp"
#include "gateway/message/MailgateId.hpp"

namespace mailgate {

// What every callback needs. libmilter gives callbacks no user pointer, so main() installs
// this once with installMilterContext() before smfi_main(); it never changes afterwards.
struct MilterContext {
    ConfigHolder& config;
    Logger& logger;
    MailgateIdGenerator ids;
};

void installMilterContext(MilterContext* context);
smfiDesc milterDescription();

inline constexpr const char* kMailgateIdHeader = "X-Mailgate-Id";

}  // namespace mailgate
