// The DNS server addresses of dns.servers ("127.0.0.1:53", "[::1]:5353", "192.0.2.1"),
// checked and turned into libunbound's forwarder notation. Only parsing: it links no
// resolver, so the config loader and its fuzz target do not need one.
#pragma once

#include <string>

#include "gateway/util/Result.hpp"

namespace mailgate {

// "127.0.0.1:5353" -> "127.0.0.1@5353" (libunbound's notation); errors name the problem.
Result<std::string> unboundForwarderAddress(const std::string& server);

}  // namespace mailgate
