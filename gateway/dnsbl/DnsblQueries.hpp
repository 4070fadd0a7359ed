// DnsblQueries: asks the DNS list names of one client all at once and waits for them
// until one deadline shared by all, so a slow list costs at most the deadline, never the
// sum of the lists' delays. A name that has not answered by then is reported as not
// answered (the caller counts it as a temporary failure). For a listed name it can also
// fetch the TXT reason, under the same deadline. It interprets no answer itself.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "gateway/dns/DnsLookup.hpp"
#include "gateway/util/Asio.hpp"

namespace mailgate {

struct DnsblQuery {
    std::string name;  // "2.0.0.127.zen.spamhaus.org"
    // Asked with the A answer; when it says yes, the TXT record is fetched too.
    std::function<bool(const DnsAnswer&)> wants_reason;
};

struct DnsblQueryAnswer {
    bool answered = false;  // the A answer came before the deadline
    DnsAnswer address;
    bool reason_answered = false;  // a TXT answer came before the deadline
    DnsAnswer reason;
};

// One answer per query, in the order of `queries`. `dns` must outlive the lookups still
// in flight at the deadline (a resolver ends each by dns.timeout_ms). Safe on a
// multi-threaded io_context: the lookups' bookkeeping runs on a strand of its own.
boost::asio::awaitable<std::vector<DnsblQueryAnswer>> askAllBefore(
    DnsLookup& dns, std::vector<DnsblQuery> queries, std::chrono::milliseconds deadline);

}  // namespace mailgate
