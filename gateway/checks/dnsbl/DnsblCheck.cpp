// The DNSBL/DNSWL check: building from settings, asking the zones, reading their
// answers into a DnsblReport (see DnsblCheck.hpp). The decision is in DnsblDecision.cpp.
#include "gateway/checks/dnsbl/DnsblCheck.hpp"

#include <algorithm>

#include "gateway/checks/dnsbl/DnsblDecision.hpp"

namespace mailgate {
namespace {

// Long enough for any list's explanation and URL, short enough for a log line or header.
constexpr std::size_t kLongestReason = 200;
constexpr std::int64_t kDefaultDeadlineMs = 1500;

Result<std::vector<DnsblZone>> parseZones(const std::vector<std::string>& specs, const char* key) {
    std::vector<DnsblZone> zones;
    for (const auto& spec : specs) {
        auto zone = DnsblZone::parse(spec);
        if (!zone) {
            return makeError(std::string(key) + ": " + zone.error());
        }
        zones.push_back(std::move(*zone));
    }
    return zones;
}

// A list's TXT record is text from outside: keep it to printable ASCII and a bounded
// length, so it cannot break a log line, a header or an SMTP reply.
std::string printableReason(const DnsAnswer& answer) {
    std::string reason;
    for (const auto& record : answer.records) {
        if (!reason.empty()) {
            reason += " / ";
        }
        for (unsigned char c : record.text) {
            reason += (c >= 0x20 && c < 0x7f) ? static_cast<char>(c) : '?';
        }
    }
    if (reason.size() > kLongestReason) {
        reason.resize(kLongestReason);
        reason += "...";
    }
    return reason;
}

DnsblZoneResult readAnswer(const DnsblZone& zone, const DnsblQueryAnswer& answer,
                           std::chrono::milliseconds deadline, bool fetchReasons) {
    DnsblZoneResult result;
    result.zone = zone;
    if (!answer.answered) {
        result.status = DnsblZoneStatus::TemporaryError;
        result.error = "no answer within " + std::to_string(deadline.count()) + " ms";
        return result;
    }
    switch (answer.address.status) {
        case DnsStatus::NxDomain:
        case DnsStatus::NoData:
            result.status = DnsblZoneStatus::NotListed;
            return result;
        case DnsStatus::TemporaryError:
        case DnsStatus::InvalidName:
            result.status = DnsblZoneStatus::TemporaryError;
            result.error =
                answer.address.error.empty() ? "temporary DNS error" : answer.address.error;
            return result;
        case DnsStatus::Ok:
            break;
    }
    bool matched = false;
    for (const auto& record : answer.address.records) {
        auto address = IpAddress::parse(record.text);
        if (!address || !isListAnswerAddress(*address)) {
            result.ignored_answers.push_back(record.text);
            continue;
        }
        result.answers.push_back(address->toString());
        matched = matched || zone.filter.matches(*address);
    }
    result.status = matched                  ? DnsblZoneStatus::Listed
                    : result.answers.empty() ? DnsblZoneStatus::NotListed
                                             : DnsblZoneStatus::FilteredOut;
    if (result.listed() && fetchReasons) {
        if (!answer.reason_answered) {
            result.reason_error = "no TXT answer within the deadline";
        } else if (!answer.reason.found()) {
            result.reason_error = std::string("TXT ") + dnsStatusName(answer.reason.status) +
                                  (answer.reason.error.empty() ? "" : ": " + answer.reason.error);
        } else {
            result.reason = printableReason(answer.reason);
        }
    }
    return result;
}

}  // namespace

const char* dnsblZoneStatusName(DnsblZoneStatus status) {
    switch (status) {
        case DnsblZoneStatus::Listed:
            return "listed";
        case DnsblZoneStatus::NotListed:
            return "not listed";
        case DnsblZoneStatus::FilteredOut:
            return "filtered out";
        case DnsblZoneStatus::TemporaryError:
            return "temporary error";
    }
    return "unknown";
}

Result<std::unique_ptr<DnsblCheck>> DnsblCheck::create(const DnsblSettings& settings) {
    std::unique_ptr<DnsblCheck> check(new DnsblCheck());
    check->enabled_ = settings.enabled;
    auto blacklists = parseZones(settings.zones, "dnsbl.zones");
    if (!blacklists) {
        return makeError(blacklists.error());
    }
    auto whitelists = parseZones(settings.whitelist_zones, "dnsbl.whitelist_zones");
    if (!whitelists) {
        return makeError(whitelists.error());
    }
    check->blacklists_ = std::move(*blacklists);
    check->whitelists_ = std::move(*whitelists);
    for (const auto& text : settings.whitelist_networks) {
        auto network = IpNetwork::parse(text);
        if (!network) {
            return makeError("dnsbl.whitelist_networks: " + network.error());
        }
        check->whitelist_networks_.push_back(*network);
    }
    check->reject_threshold_ = settings.reject_threshold;
    check->deadline_ = std::chrono::milliseconds(settings.timeout_ms > 0 ? settings.timeout_ms
                                                                         : kDefaultDeadlineMs);
    check->fetch_reasons_ = settings.fetch_reasons;
    return check;
}

boost::asio::awaitable<CheckOutcome> DnsblCheck::check(const SmtpSession& session,
                                                       DnsLookup& dns) const {
    if (!enabled_ || session.authenticated() || session.trusted_network) {
        co_return CheckOutcome{};
    }
    auto report = co_await lookUp(session.client_address, dns);
    co_return dnsblOutcome(report, reject_threshold_);
}

boost::asio::awaitable<DnsblReport> DnsblCheck::lookUp(IpAddress client, DnsLookup& dns) const {
    for (const auto& network : whitelist_networks_) {
        if (network.contains(client)) {
            DnsblReport report;
            report.client = client;
            report.whitelisted_by_network = network.toString();
            co_return report;
        }
    }
    // Entries of one zone with different return codes share one query.
    std::vector<std::string> names;
    std::vector<DnsblQuery> queries;
    for (const auto* zones : {&blacklists_, &whitelists_}) {
        for (const auto& zone : *zones) {
            auto name = zone.queryName(client);
            if (std::find(names.begin(), names.end(), name) == names.end()) {
                names.push_back(name);
                queries.push_back(DnsblQuery{name, nullptr});
            }
        }
    }
    if (fetch_reasons_) {
        for (auto& query : queries) {
            std::vector<ReturnCodeFilter> filters;
            for (const auto* zones : {&blacklists_, &whitelists_}) {
                for (const auto& zone : *zones) {
                    if (zone.queryName(client) == query.name) {
                        filters.push_back(zone.filter);
                    }
                }
            }
            query.wants_reason = [filters](const DnsAnswer& answer) {
                for (const auto& record : answer.records) {
                    auto address = IpAddress::parse(record.text);
                    for (const auto& filter : filters) {
                        if (address && filter.matches(*address)) {
                            return true;
                        }
                    }
                }
                return false;
            };
        }
    }
    auto answers = co_await askAllBefore(dns, std::move(queries), deadline_);
    co_return evaluate(client, answers, names);
}

DnsblReport DnsblCheck::evaluate(const IpAddress& client,
                                 const std::vector<DnsblQueryAnswer>& answers,
                                 const std::vector<std::string>& names) const {
    DnsblReport report;
    report.client = client;
    auto answerFor = [&](const DnsblZone& zone) -> const DnsblQueryAnswer& {
        auto index = std::find(names.begin(), names.end(), zone.queryName(client)) - names.begin();
        return answers[static_cast<std::size_t>(index)];
    };
    for (const auto& zone : blacklists_) {
        report.blacklists.push_back(readAnswer(zone, answerFor(zone), deadline_, fetch_reasons_));
    }
    for (const auto& zone : whitelists_) {
        report.whitelists.push_back(readAnswer(zone, answerFor(zone), deadline_, fetch_reasons_));
    }
    return report;
}

CheckOutcome DnsblCheck::unfinished() const {
    CheckOutcome outcome;
    outcome.addSymbol("DNSBL_TEMPFAIL", 0.0, "not finished by the reply deadline");
    outcome.dependency_failure = "DNSBL lookups not finished by the reply deadline";
    return outcome;
}

namespace {

std::vector<std::string> dnsblSymbols(const Config& config) {
    std::vector<std::string> symbols = {"DNSBL_TEMPFAIL", "DNSWL_TEMPFAIL", "DNSBL_MISBEHAVING",
                                        "DNSWL_LOCAL_NETWORK"};
    for (bool whitelist : {false, true}) {
        for (const auto& spec : whitelist ? config.dnsbl.whitelist_zones : config.dnsbl.zones) {
            if (auto zone = DnsblZone::parse(spec)) {
                symbols.push_back(dnsblSymbolName(*zone, whitelist));
            }
        }
    }
    return symbols;
}

std::unique_ptr<SmtpStageCheck> makeDnsblCheck(const Config& config, const Services&) {
    if (!config.dnsbl.enabled) {
        return nullptr;
    }
    // The loader validated every zone spec, so creation cannot fail for a snapshot.
    auto check = DnsblCheck::create(config.dnsbl);
    return check ? std::move(*check) : nullptr;
}

}  // namespace

CheckDescriptor dnsblCheckDescriptor() {
    CheckDescriptor descriptor;
    descriptor.name = "dnsbl";
    descriptor.stage = CheckStage::Smtp;
    descriptor.phase = CheckPhase::Filter;
    descriptor.config_section = "dnsbl";
    descriptor.symbols = dnsblSymbols;
    descriptor.make_smtp_check = makeDnsblCheck;
    return descriptor;
}

}  // namespace mailgate
