// PolicyDecider: turns one policy request into one reply and one decision log line.
// For now every request gets DUNNO (no check is wired yet); the SMTP-stage checks of the
// core plug in here. It knows nothing of sockets.
#pragma once

#include "gateway/config/Config.hpp"
#include "gateway/log/Logger.hpp"
#include "policyd/PolicyReply.hpp"
#include "policyd/PolicyRequest.hpp"

namespace mailgate {

class PolicyDecider {
  public:
    explicit PolicyDecider(Logger& logger) : logger_(logger) {}

    PolicyReply decide(const PolicyRequest& request, const Config& config);

  private:
    Logger& logger_;
};

}  // namespace mailgate
