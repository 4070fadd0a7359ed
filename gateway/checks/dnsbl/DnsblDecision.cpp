// From DNS list answers to symbols, a reply and a header (see DnsblDecision.hpp).
#include "gateway/checks/dnsbl/DnsblDecision.hpp"

#include <algorithm>

namespace mailgate {
namespace {

std::string joined(const std::vector<std::string>& items, const char* separator) {
    std::string text;
    for (const auto& item : items) {
        text += (text.empty() ? "" : separator) + item;
    }
    return text;
}

// "zen.spamhaus.org: 127.0.0.2,127.0.0.4 \"reason\"": what a postmaster needs to see
// in the log to understand a hit.
std::string hitDetail(const DnsblZoneResult& result) {
    std::string detail = result.zone.zone + ": " + joined(result.answers, ",");
    if (!result.reason.empty()) {
        detail += " \"" + result.reason + "\"";
    }
    return detail;
}

void noteMisbehaviour(CheckOutcome& outcome, const DnsblZoneResult& result) {
    if (!result.ignored_answers.empty()) {
        outcome.addSymbol("DNSBL_MISBEHAVING", 0.0,
                          result.zone.zone + " answered outside 127.0.0.0/8: " +
                              joined(result.ignored_answers, ","));
    }
}

}  // namespace

std::string dnsblSymbolName(const DnsblZone& zone, bool whitelist) {
    return (whitelist ? "DNSWL_" : "DNSBL_") + zone.label;
}

CheckOutcome dnsblOutcome(const DnsblReport& report, double rejectThreshold) {
    CheckOutcome outcome;
    if (!report.whitelisted_by_network.empty()) {
        outcome.addSymbol("DNSWL_LOCAL_NETWORK", 0.0, report.whitelisted_by_network);
        return outcome;
    }
    std::vector<std::string> failures;
    std::string whitelistedBy;
    bool whitelistUnknown = false;
    for (const auto& result : report.whitelists) {
        noteMisbehaviour(outcome, result);
        if (result.listed()) {
            outcome.addSymbol(dnsblSymbolName(result.zone, true), result.zone.weight,
                              hitDetail(result));
            if (whitelistedBy.empty()) {
                whitelistedBy = dnsblSymbolName(result.zone, true);
            }
        } else if (result.status == DnsblZoneStatus::TemporaryError) {
            outcome.addSymbol("DNSWL_TEMPFAIL", 0.0, result.zone.zone + ": " + result.error);
            failures.push_back("dnswl " + result.zone.zone + ": " + result.error);
            whitelistUnknown = true;
        }
    }
    double total = 0;
    std::vector<std::string> blockingZones;
    std::vector<std::string> headerItems;
    for (const auto& result : report.blacklists) {
        noteMisbehaviour(outcome, result);
        if (result.listed()) {
            auto name = dnsblSymbolName(result.zone, false);
            if (!whitelistedBy.empty()) {
                outcome.addSymbol(name, 0.0,
                                  hitDetail(result) + "; overridden by " + whitelistedBy);
                continue;
            }
            outcome.addSymbol(name, result.zone.weight, hitDetail(result));
            total += result.zone.weight;
            headerItems.push_back(result.zone.zone + "=" + joined(result.answers, ",") + " (" +
                                  result.zone.label + ")");
            if (result.zone.weight > 0 && std::find(blockingZones.begin(), blockingZones.end(),
                                                    result.zone.zone) == blockingZones.end()) {
                blockingZones.push_back(result.zone.zone);
            }
        } else if (result.status == DnsblZoneStatus::TemporaryError) {
            outcome.addSymbol("DNSBL_TEMPFAIL", 0.0, result.zone.zone + ": " + result.error);
            failures.push_back("dnsbl " + result.zone.zone + ": " + result.error);
        }
    }
    outcome.dependency_failure = joined(failures, "; ");
    // A whitelist that did not answer might have listed the client: rejecting then
    // would be rejecting because DNS failed, so the score alone speaks.
    if (rejectThreshold > 0 && whitelistedBy.empty() && !whitelistUnknown &&
        !blockingZones.empty() && total >= rejectThreshold) {
        outcome.reply = rejectReply("5.7.1",
                                    "Service unavailable; client [" + report.client.toString() +
                                        "] blocked using " + joined(blockingZones, ", "),
                                    554);
    } else if (!headerItems.empty()) {
        outcome.headers.push_back(HeaderField{"X-Mailgate-DNSBL", joined(headerItems, ", ")});
    }
    return outcome;
}

}  // namespace mailgate
