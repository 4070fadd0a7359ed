// dnsblOutcome: turns what the DNS lists said (a DnsblReport) into the check's outcome:
// a DNSBL_<LABEL> or DNSWL_<LABEL> symbol per hit, DNSBL_TEMPFAIL / DNSWL_TEMPFAIL (score
// 0) per zone that failed, a 554 5.7.1 reject naming the lists when the summed weight
// reaches the threshold, and an X-Mailgate-DNSBL header otherwise. A whitelist hit
// overrides every blacklist hit. It does no lookups and never rejects on a DNS failure.
#pragma once

#include "gateway/dnsbl/DnsblReport.hpp"
#include "gateway/engine/CheckOutcome.hpp"

namespace mailgate {

// `rejectThreshold` 0 never rejects.
CheckOutcome dnsblOutcome(const DnsblReport& report, double rejectThreshold);

// The symbol of a zone's hit: "DNSBL_SPAMHAUS_ZEN", "DNSWL_DNSWL_ORG".
std::string dnsblSymbolName(const DnsblZone& zone, bool whitelist);

}  // namespace mailgate
