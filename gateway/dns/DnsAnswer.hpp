// DnsAnswer: the outcome of one DNS lookup as the checks need it. The status keeps the
// distinction SPF and DNSBL depend on: a name that does not exist (NxDomain) or has no
// records of the type (NoData) is an answer; a timeout, SERVFAIL or REFUSED is a
// TemporaryError, never "not listed" and never "does not exist". It does no lookups.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mailgate {

enum class DnsType : std::uint16_t { A = 1, Ptr = 12, Mx = 15, Txt = 16, Aaaa = 28 };

enum class DnsStatus { Ok, NoData, NxDomain, TemporaryError, InvalidName };

struct DnsRecord {
    // A/AAAA: the address; MX/PTR: the name (no trailing dot); TXT: the strings joined.
    std::string text;
    std::uint16_t preference = 0;      // MX only
    std::vector<std::string> strings;  // TXT only: the character-strings as sent
};

struct DnsAnswer {
    DnsStatus status = DnsStatus::TemporaryError;
    std::vector<DnsRecord> records;
    std::uint32_t ttl = 0;
    std::string error;  // why, for TemporaryError and InvalidName

    bool found() const { return status == DnsStatus::Ok; }
    bool temporaryError() const { return status == DnsStatus::TemporaryError; }
};

const char* dnsTypeName(DnsType type);
const char* dnsStatusName(DnsStatus status);
// A name that can be asked for: 1-253 bytes, labels of 1-63 bytes (a trailing dot allowed).
bool isQueryableDnsName(std::string_view name);

}  // namespace mailgate
