// SpfRecord: one "v=spf1" record parsed and checked in full (RFC 7208 sections 4.6 and
// 12): its mechanisms in order with qualifier, target domain-spec and CIDR lengths, and
// the redirect= and exp= modifiers. A syntax error anywhere makes the whole record an
// error (permerror) before anything is evaluated. It expands no macros and asks no DNS.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/net/IpAddress.hpp"
#include "gateway/spf/SpfResult.hpp"
#include "gateway/util/Result.hpp"

namespace mailgate {

enum class SpfMechanismKind { All, Include, A, Mx, Ptr, Ip4, Ip6, Exists };

struct SpfMechanism {
    SpfResultCode qualifier = SpfResultCode::Pass;  // + pass, - fail, ~ softfail, ? neutral
    SpfMechanismKind kind = SpfMechanismKind::All;
    std::string domain_spec;   // unexpanded; "" means the current domain (a, mx, ptr)
    IpNetwork network;         // ip4, ip6
    unsigned ip4_prefix = 32;  // a, mx: the dual-cidr lengths
    unsigned ip6_prefix = 128;
    std::string text;  // as written, for logs and the Received-SPF header
};

struct SpfRecord {
    std::vector<SpfMechanism> mechanisms;
    std::optional<std::string> redirect;     // domain-spec
    std::optional<std::string> explanation;  // exp= domain-spec
};

// True when the TXT string is an SPF version 1 record ("v=spf1" then a space or the end,
// case-insensitive), the test RFC 7208 4.5 uses to select records.
bool isSpfRecord(std::string_view text);
// Parses a selected record; the error is the reason for permerror.
Result<SpfRecord> parseSpfRecord(std::string_view text);
// Counts the mechanisms and modifiers that cause DNS lookups (for limits and benches).
int countDnsTerms(const SpfRecord& record);

}  // namespace mailgate
