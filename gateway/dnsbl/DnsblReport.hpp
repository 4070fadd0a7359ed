// DnsblReport: what the DNS lists said about one client address, zone by zone, before
// any decision: listed, not listed, answered but filtered out by the return codes, or a
// temporary error (timeout, SERVFAIL, no answer by the deadline). DnsblCheck fills it;
// dnsblOutcome() turns it into symbols and a reply; `mailgatectl dnsbl` prints it.
#pragma once

#include <string>
#include <vector>

#include "gateway/dnsbl/DnsblZone.hpp"
#include "gateway/net/IpAddress.hpp"

namespace mailgate {

enum class DnsblZoneStatus { Listed, NotListed, FilteredOut, TemporaryError };

struct DnsblZoneResult {
    DnsblZone zone;
    DnsblZoneStatus status = DnsblZoneStatus::NotListed;
    std::vector<std::string> answers;          // the A answers in 127.0.0.0/8
    std::vector<std::string> ignored_answers;  // answers outside it: a misbehaving list
    std::string reason;        // the TXT reason of a listing, printable ASCII, bounded
    std::string reason_error;  // why no reason came, when one was asked for
    std::string error;         // TemporaryError: why

    bool listed() const { return status == DnsblZoneStatus::Listed; }
};

struct DnsblReport {
    IpAddress client;
    // The whitelist_networks entry that holds the client; then no zone was asked.
    std::string whitelisted_by_network;
    std::vector<DnsblZoneResult> blacklists;
    std::vector<DnsblZoneResult> whitelists;
};

// "listed", "not listed", "filtered out", "temporary error".
const char* dnsblZoneStatusName(DnsblZoneStatus status);

}  // namespace mailgate
