// DnsResolver: asynchronous DNS lookups (A, AAAA, MX, TXT, PTR) for the checks, on a
// Boost.Asio io_context, through libunbound as a stub resolver that forwards to the
// servers of dns.servers. Answers are cached for their TTL (negative answers for the SOA
// minimum) in-process (DnsAnswerCache, so a repeated question costs no thread crossing)
// and in libunbound. Many lookups may be in flight; each ends by dns.timeout_ms at the
// latest, as a TemporaryError if nothing usable came back. No search domains are ever
// applied. Callbacks run on the resolver's strand; resolve() resumes the awaiting
// coroutine on its own executor. It does not interpret answers (SPF, DNSBL do).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "gateway/dns/DnsAnswer.hpp"
#include "gateway/dns/DnsLookup.hpp"
#include "gateway/util/Asio.hpp"
#include "gateway/util/Result.hpp"

namespace mailgate {

struct DnsResolverSettings {
    std::vector<std::string> servers;  // "127.0.0.1:53", "[::1]:5353", "192.0.2.1"
    std::int64_t timeout_ms = 2000;
};

class DnsResolver : public DnsLookup {
  public:
    using Completion = std::function<void(DnsAnswer)>;

    // Fails when libunbound cannot be set up or a server address is invalid.
    static Result<std::shared_ptr<DnsResolver>> create(boost::asio::io_context& io,
                                                       const DnsResolverSettings& settings);
    ~DnsResolver() override;
    DnsResolver(const DnsResolver&) = delete;
    DnsResolver& operator=(const DnsResolver&) = delete;

    // Starts a lookup; `done` is called exactly once, on the resolver's strand.
    void lookup(std::string name, DnsType type, Completion done);
    // The same, for coroutines: co_await resolver.resolve(name, type).
    boost::asio::awaitable<DnsAnswer> resolve(std::string name, DnsType type) override;

    struct Implementation;

  private:
    explicit DnsResolver(std::unique_ptr<Implementation> implementation);
    std::shared_ptr<Implementation> implementation_;
};

}  // namespace mailgate
