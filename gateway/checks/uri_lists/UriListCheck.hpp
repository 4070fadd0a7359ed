// UriListCheck (C2, docs/uri-lists.md): the domains a message's links lead to, looked up in
// URI DNS lists (SURBL/URIBL-style zones, configured like [dnsbl] zones with return codes
// or bitmasks). In gather() it finds the message's URL hosts (UrlExtractor), reduces each
// to its registrable domain, skips the configured and local domains, bounds the count,
// and asks every domain in every zone at once under one deadline; run() turns the answers
// into URIBL_<LABEL> symbols. A timeout, SERVFAIL or a process without a DNS resolver
// never counts as listed: it is URIBL_UNAVAILABLE (score 0) and counted. Answers are
// cached by the resolver for their TTL. It never rejects.
#pragma once

#include <chrono>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "gateway/dns/DnsAnswer.hpp"
#include "gateway/dnsbl/DnsblZone.hpp"
#include "gateway/engine/CheckRegistry.hpp"
#include "gateway/engine/ContentCheck.hpp"
#include "gateway/mime/UrlExtractor.hpp"
#include "gateway/util/Result.hpp"

namespace mailgate {

// One name a message's URL hosts are asked as: a registrable domain, or an address
// reversed ("10.2.0.192").
struct UriListQuery {
    std::string name;   // "shop.example", "10.2.0.192"
    std::string shown;  // as the message shows it: "shop.example", "192.0.2.10"
    std::string url;    // a URL that leads there, for the detail
};

// What one zone said about one query name.
struct UriListAnswer {
    std::size_t query = 0;  // index in the queries
    std::size_t zone = 0;   // index in the zones
    bool answered = false;  // before the deadline
    DnsAnswer answer;
};

// What a message's lookups found, kept in the transaction between gather() and run().
struct UriListFindings {
    bool gathered = false;
    bool no_resolver = false;
    std::vector<UriListQuery> queries;
    std::vector<UriListAnswer> answers;
    std::size_t not_asked = 0;  // beyond max_lookups_per_message
};

class UriListCheck final : public ContentCheck {
  public:
    // Fails only on zone specs the config loader would have refused.
    static Result<std::unique_ptr<UriListCheck>> create(
        const UriListSettings& settings, const std::vector<std::string>& localDomains);

    std::string_view name() const override { return "uri_lists"; }
    bool gathers() const override { return true; }
    boost::asio::awaitable<void> gather(ContentTransaction& transaction) const override;
    void run(ContentTransaction& transaction) const override;

    // The names a message's hosts are asked as, in order, at most max_lookups_per_message
    // (the rest counted in `notAsked`).
    std::vector<UriListQuery> queriesFor(const ExtractedUrls& urls, std::size_t& notAsked) const;
    // The symbols for what the zones answered (tests, and run()).
    CheckOutcome outcome(const UriListFindings& findings) const;
    const std::vector<DnsblZone>& zones() const { return zones_; }

  private:
    UriListCheck() = default;

    std::vector<DnsblZone> zones_;
    std::size_t max_lookups_ = 20;
    std::chrono::milliseconds deadline_{1000};
    std::set<std::string> skip_domains_;  // registrable, lower case
    bool ip_hosts_ = true;
};

// The symbol of a zone: "URIBL_" and its label.
std::string uriListSymbol(const DnsblZone& zone);

CheckDescriptor uriListCheckDescriptor();

}  // namespace mailgate
