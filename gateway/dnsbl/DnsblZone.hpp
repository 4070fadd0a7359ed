// DnsblZone: one DNS list (RFC 5782) as a postmaster writes it in [dnsbl] zones or
// whitelist_zones, in Postfix postscreen_dnsbl_sites syntax plus a label and a bitmask
// form: "SPAMHAUS_ZEN:zen.spamhaus.org=127.0.0.[2..11]*3", "bits.example.org&0.0.0.4*1.5".
// Parsed once per config snapshot into the zone, label, weight and the return-code filter
// that decides which answer addresses count as a listing. It does no DNS lookups and
// knows nothing of sessions, scores or replies (DnsblCheck does).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gateway/net/IpAddress.hpp"
#include "gateway/util/Result.hpp"

namespace mailgate {

// Which answer addresses a list's entry counts. Every form matches only answers in
// 127.0.0.0/8: RFC 5782 lists answer there, anything else is a misbehaving list.
class ReturnCodeFilter {
  public:
    enum class Kind {
        AnyListAnswer,  // no filter written: any 127.0.0.0/8 answer
        Pattern,        // "=127.0.0.2" or "=127.0.0.[2..11;20]": each octet a value or set
        Bitmask,        // "&0.0.0.4" or "&4": the answer shares at least one bit with MASK
    };

    static ReturnCodeFilter anyListAnswer() { return ReturnCodeFilter{}; }
    // `text` is what follows '=' or '&'.
    static Result<ReturnCodeFilter> parsePattern(std::string_view text);
    static Result<ReturnCodeFilter> parseBitmask(std::string_view text);

    Kind kind() const { return kind_; }
    bool matches(const IpAddress& answer) const;
    // As it would be written after the zone: "", "=127.0.0.[2..11]", "&0.0.0.4".
    std::string describe() const;

  private:
    using OctetRanges = std::vector<std::pair<std::uint8_t, std::uint8_t>>;
    Kind kind_ = Kind::AnyListAnswer;
    std::array<OctetRanges, 4> octets_;  // Pattern: inclusive ranges allowed per octet
    std::uint32_t mask_ = 0;             // Bitmask, over the whole address
};

struct DnsblZone {
    std::string zone;   // lower case, no trailing dot: "zen.spamhaus.org"
    std::string label;  // upper case letters, digits, '_': "SPAMHAUS_ZEN"
    double weight = 1.0;
    ReturnCodeFilter filter;

    // "[LABEL:]ZONE[=PATTERN|&MASK][*WEIGHT]"; the error says what is wrong, for the
    // config loader to show with file and line.
    static Result<DnsblZone> parse(std::string_view spec);
    // The label used when none is written: the zone upper-cased, other characters '_'.
    static std::string defaultLabel(std::string_view zone);

    // RFC 5782 section 2.1 / 2.4: "2.0.0.127.zen.spamhaus.org", nibbles for IPv6.
    std::string queryName(const IpAddress& client) const;
    // The canonical spec, which parses back to an equal zone.
    std::string describe() const;
};

// True for an address lists may answer with (RFC 5782: 127.0.0.0/8).
bool isListAnswerAddress(const IpAddress& answer);

}  // namespace mailgate
