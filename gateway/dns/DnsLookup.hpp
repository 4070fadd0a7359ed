// DnsLookup: the one question every DNS-using check asks ("records of TYPE at NAME?"),
// as a coroutine, so SPF, DNSBL and the connection checks read as straight-line code and
// can be tested against any implementation. DnsResolver (libunbound) is the real one.
// An implementation must finish every lookup (with TemporaryError at worst) and never
// throw.
#pragma once

#include <string>

#include "gateway/dns/DnsAnswer.hpp"
#include "gateway/util/Asio.hpp"

namespace mailgate {

class DnsLookup {
  public:
    virtual ~DnsLookup() = default;
    virtual boost::asio::awaitable<DnsAnswer> resolve(std::string name, DnsType type) = 0;
};

}  // namespace mailgate
