// Decoding of DNS record data (wire format, uncompressed, as libunbound hands it over)
// into DnsRecords: A, AAAA, MX, TXT and PTR. Malformed data is an error value, never a
// read past the buffer. It knows nothing of resolvers or sockets.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "gateway/dns/DnsAnswer.hpp"
#include "gateway/util/Result.hpp"

namespace mailgate {

Result<DnsRecord> decodeRdata(DnsType type, std::string_view rdata);

}  // namespace mailgate
