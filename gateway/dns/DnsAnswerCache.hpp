// DnsAnswerCache: answers the resolver has had, kept for their TTL so a repeated question
// (SPF's includes, the same client's DNSBL names) is answered in-process without crossing
// to libunbound's thread. Positive answers, NODATA and NXDOMAIN are kept for the TTL the
// answer carries (for negative answers libunbound gives the SOA minimum, RFC 2308), capped;
// temporary errors and TTL 0 are never kept. Bounded in entries. Not thread-safe: the
// resolver uses it on its strand only. It asks no DNS.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <unordered_map>

#include "gateway/dns/DnsAnswer.hpp"

namespace mailgate {

class DnsAnswerCache {
  public:
    using Clock = std::chrono::steady_clock;
    static constexpr std::uint32_t kMaxTtlSeconds = 86400;

    explicit DnsAnswerCache(std::size_t max_entries) : max_entries_(max_entries) {}

    // The answer with its TTL lowered to the seconds it has left, or nothing.
    std::optional<DnsAnswer> find(const std::string& name, DnsType type, Clock::time_point now);
    void store(const std::string& name, DnsType type, const DnsAnswer& answer,
               Clock::time_point now);
    std::size_t size() const { return entries_.size(); }

  private:
    struct Entry {
        DnsAnswer answer;
        Clock::time_point expires;
    };
    static std::string key(const std::string& name, DnsType type);
    void makeRoom(Clock::time_point now);

    std::size_t max_entries_;
    std::unordered_map<std::string, Entry> entries_;
};

}  // namespace mailgate
