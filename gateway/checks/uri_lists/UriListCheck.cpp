// The URI DNS list check: which names to ask, asking them, and the symbols of the answers
// (see UriListCheck.hpp).
#include "gateway/checks/uri_lists/UriListCheck.hpp"

#include <algorithm>

#include "gateway/dns/DnsLookup.hpp"
#include "gateway/dnsbl/DnsblQueries.hpp"
#include "gateway/engine/ContentTransaction.hpp"
#include "gateway/net/IpAddress.hpp"
#include "gateway/net/PublicSuffix.hpp"

namespace mailgate {
namespace {

// Not a finding about the message: says the lists could not be asked (score 0).
constexpr SymbolDefault kUnavailable{"URIBL_UNAVAILABLE", 0.0};
// Listed names named in one symbol's detail; the rest are counted.
constexpr std::size_t kNamesInDetail = 3;

bool isListAnswer(const UriListAnswer& answer, const DnsblZone& zone, std::string& address) {
    if (!answer.answered || !answer.answer.found()) {
        return false;
    }
    for (const auto& record : answer.answer.records) {
        auto parsed = IpAddress::parse(record.text);
        if (parsed && isListAnswerAddress(*parsed) && zone.filter.matches(*parsed)) {
            address = parsed->toString();
            return true;
        }
    }
    return false;
}

bool unusable(const UriListAnswer& answer) {
    return !answer.answered || answer.answer.status == DnsStatus::TemporaryError;
}

}  // namespace

std::string uriListSymbol(const DnsblZone& zone) {
    return "URIBL_" + zone.label;
}

Result<std::unique_ptr<UriListCheck>> UriListCheck::create(
    const UriListSettings& settings, const std::vector<std::string>& localDomains) {
    std::unique_ptr<UriListCheck> check(new UriListCheck());
    for (const auto& spec : settings.zones) {
        auto zone = DnsblZone::parse(spec);
        if (!zone) {
            return makeError("uri_lists.zones: " + zone.error());
        }
        check->zones_.push_back(std::move(*zone));
    }
    if (settings.max_lookups_per_message > 0) {
        check->max_lookups_ = static_cast<std::size_t>(settings.max_lookups_per_message);
    }
    if (settings.timeout_ms > 0) {
        check->deadline_ = std::chrono::milliseconds(settings.timeout_ms);
    }
    for (const auto* domains : {&settings.skip_domains, &localDomains}) {
        for (const auto& domain : *domains) {
            check->skip_domains_.insert(registrableDomainOrHost(domain));
        }
    }
    check->ip_hosts_ = settings.ip_hosts;
    return check;
}

std::vector<UriListQuery> UriListCheck::queriesFor(const ExtractedUrls& urls,
                                                   std::size_t& notAsked) const {
    std::vector<UriListQuery> queries;
    std::set<std::string> seen;
    notAsked = 0;
    for (const auto& host : urls.hosts) {
        UriListQuery query;
        query.url = host.url;
        if (host.form == UrlHostForm::Name) {
            if (skip_domains_.count(host.registrable) > 0) {
                continue;
            }
            query.name = host.registrable;
            query.shown = host.registrable;
        } else {
            auto address = IpAddress::parse(host.host);
            if (!ip_hosts_ || !address || !address->isIpv4()) {
                continue;  // the lists keep no IPv6 addresses
            }
            query.name = address->reversedName();
            query.shown = host.host;
        }
        if (!seen.insert(query.name).second) {
            continue;
        }
        if (queries.size() >= max_lookups_) {
            ++notAsked;
            continue;
        }
        queries.push_back(std::move(query));
    }
    return queries;
}

boost::asio::awaitable<void> UriListCheck::gather(ContentTransaction& transaction) const {
    DnsLookup* dns = transaction.services().dns;
    if (dns == nullptr) {
        auto& findings = transaction.scratch<UriListFindings>();
        findings.gathered = true;
        findings.no_resolver = true;
        co_return;
    }
    UrlExtractor extractor;
    extractor.addMessage(transaction.message());
    std::size_t notAsked = 0;
    auto queries = queriesFor(extractor.result(), notAsked);
    // Entries of one zone with different return codes share one question.
    std::vector<std::string> zoneNames;
    for (const auto& zone : zones_) {
        if (std::find(zoneNames.begin(), zoneNames.end(), zone.zone) == zoneNames.end()) {
            zoneNames.push_back(zone.zone);
        }
    }
    std::vector<DnsblQuery> asked;
    std::vector<std::pair<std::size_t, std::string>> askedFor;  // query index, zone name
    for (std::size_t i = 0; i < queries.size(); ++i) {
        for (const auto& zoneName : zoneNames) {
            std::string name = queries[i].name + "." + zoneName;
            if (isQueryableDnsName(name)) {
                asked.push_back(DnsblQuery{std::move(name), nullptr});
                askedFor.emplace_back(i, zoneName);
            }
        }
    }
    auto answers = co_await askAllBefore(*dns, std::move(asked), deadline_);
    // Looked up again after the wait: other gathers may have added scratch slots meanwhile.
    auto& findings = transaction.scratch<UriListFindings>();
    findings.gathered = true;
    findings.not_asked = notAsked;
    findings.queries = std::move(queries);
    for (std::size_t i = 0; i < answers.size(); ++i) {
        for (std::size_t zone = 0; zone < zones_.size(); ++zone) {
            if (zones_[zone].zone == askedFor[i].second) {
                findings.answers.push_back(UriListAnswer{askedFor[i].first, zone,
                                                         answers[i].answered, answers[i].address});
            }
        }
    }
}

CheckOutcome UriListCheck::outcome(const UriListFindings& findings) const {
    CheckOutcome outcome;
    if (findings.no_resolver) {
        outcome.addSymbol(kUnavailable.name, kUnavailable.score,
                          "this process has no DNS resolver: the URI lists were not asked");
        return outcome;
    }
    std::set<std::string> symbolsAdded;
    for (std::size_t zone = 0; zone < zones_.size(); ++zone) {
        std::vector<std::string> listed;
        for (const auto& answer : findings.answers) {
            std::string address;
            if (answer.zone == zone && isListAnswer(answer, zones_[zone], address)) {
                const auto& query = findings.queries[answer.query];
                listed.push_back(query.shown + " (" + address + ", " + query.url + ")");
            }
        }
        std::string symbol = uriListSymbol(zones_[zone]);
        if (listed.empty() || !symbolsAdded.insert(symbol).second) {
            continue;
        }
        std::string detail = "a link's domain is listed in " + zones_[zone].zone + ": ";
        for (std::size_t i = 0; i < listed.size() && i < kNamesInDetail; ++i) {
            detail += (i > 0 ? "; " : "") + listed[i];
        }
        if (listed.size() > kNamesInDetail) {
            detail += "; and " + std::to_string(listed.size() - kNamesInDetail) + " more";
        }
        outcome.addSymbol(symbol, zones_[zone].weight, detail);
    }
    std::size_t failed = 0;
    std::string firstError;
    for (const auto& answer : findings.answers) {
        if (unusable(answer)) {
            if (++failed == 1) {
                firstError = answer.answered
                                 ? answer.answer.error
                                 : "no answer within " + std::to_string(deadline_.count()) + " ms";
            }
        }
    }
    if (failed > 0) {
        outcome.addSymbol(kUnavailable.name, kUnavailable.score,
                          std::to_string(failed) + " of " +
                              std::to_string(findings.answers.size()) +
                              " URI list lookups got no usable answer (" + firstError +
                              "): never counted as listed");
    }
    outcome.addLogField("uri_lookups", std::to_string(findings.answers.size()));
    if (findings.not_asked > 0) {
        outcome.addLogField("uri_not_asked", std::to_string(findings.not_asked));
    }
    return outcome;
}

void UriListCheck::run(ContentTransaction& transaction) const {
    const auto& findings = transaction.scratch<UriListFindings>();
    CheckOutcome result = outcome(findings);
    auto& counters = *transaction.services().counters;
    if (findings.no_resolver) {
        counters.increment("uri_lists_no_resolver");
    }
    for (const auto& answer : findings.answers) {
        if (unusable(answer)) {
            counters.increment("uri_lists_lookups_unavailable");
        }
    }
    transaction.addOutcome(name(), std::move(result));
}

namespace {

std::vector<std::string> uriListSymbols(const Config& config) {
    std::vector<std::string> symbols = {kUnavailable.name};
    for (const auto& spec : config.uri_lists.zones) {
        if (auto zone = DnsblZone::parse(spec)) {
            symbols.push_back(uriListSymbol(*zone));
        }
    }
    return symbols;
}

std::unique_ptr<ContentCheck> makeUriListCheck(const Config& config, const Services&) {
    if (!config.uri_lists.enabled || config.uri_lists.zones.empty()) {
        return nullptr;
    }
    // The loader validated every zone spec, so creation cannot fail for a snapshot.
    auto check = UriListCheck::create(config.uri_lists, config.relay.domains);
    return check ? std::move(*check) : nullptr;
}

std::int64_t uriListDnsDeadline(const Config& config) {
    return config.uri_lists.enabled && !config.uri_lists.zones.empty() ? config.uri_lists.timeout_ms
                                                                       : 0;
}

}  // namespace

CheckDescriptor uriListCheckDescriptor() {
    CheckDescriptor descriptor;
    descriptor.name = "uri_lists";
    descriptor.stage = CheckStage::Content;
    descriptor.phase = CheckPhase::Filter;
    descriptor.config_section = "uri_lists";
    descriptor.symbols = uriListSymbols;
    descriptor.make_content_check = makeUriListCheck;
    descriptor.content_dns_deadline_ms = uriListDnsDeadline;
    return descriptor;
}

}  // namespace mailgate
