// SpfEvaluator: RFC 7208 check_host() for one client address and identity (MAIL FROM, or
// HELO for the null sender and HELO checks), as a coroutine over DnsLookup: record
// lookup and selection, every mechanism and modifier, the macro language, the limits
// (10 DNS-querying terms, 2 void lookups, 10 MX/PTR names) and the explanation for
// "fail". One evaluator serves one check; it keeps the per-check lookup counters, so do
// not share it between concurrent checks. It decides nothing beyond the RFC's result.
#pragma once

#include <ctime>
#include <string>

#include "gateway/dns/DnsLookup.hpp"
#include "gateway/net/IpAddress.hpp"
#include "gateway/spf/SpfRecord.hpp"
#include "gateway/spf/SpfResult.hpp"
#include "gateway/util/Asio.hpp"

namespace mailgate {

struct SpfOptions {
    int max_dns_terms = 10;
    int max_void_lookups = 2;
    int max_names_per_term = 10;  // MX hosts of one "mx", PTR names of one "ptr"
    // The explanation for "fail" when the domain gives none (a macro-string).
    std::string default_explanation = "%{c} is not one of %{d}'s designated mail servers";
    std::string receiver = "unknown";  // %{r}: our host name
    std::time_t now = 0;               // %{t}; 0 means the current time
};

struct SpfQuery {
    IpAddress client;
    std::string sender;  // MAIL FROM without <>; "" = null sender, checked as postmaster@HELO
    std::string helo;
};

class SpfEvaluator {
  public:
    SpfEvaluator(DnsLookup& dns, SpfOptions options);

    // The result for the MAIL FROM identity (or postmaster@HELO when the sender is null).
    boost::asio::awaitable<SpfResult> checkMailFrom(const SpfQuery& query);
    // The result for the HELO identity alone (postmaster@HELO), RFC 7208 2.3.
    boost::asio::awaitable<SpfResult> checkHelo(const SpfQuery& query);

  private:
    struct Evaluation;
    boost::asio::awaitable<SpfResult> checkIdentity(const SpfQuery& query, std::string sender);

    DnsLookup& dns_;
    SpfOptions options_;
};

}  // namespace mailgate
