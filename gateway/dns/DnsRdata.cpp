// Decoding of A, AAAA, MX, TXT and PTR record data (see DnsRdata.hpp).
#include "gateway/dns/DnsRdata.hpp"

#include <arpa/inet.h>

namespace mailgate {
namespace {

// A domain name in uncompressed wire format from `offset` to the end of the data.
Result<std::string> decodeName(std::string_view data, std::size_t offset) {
    std::string name;
    while (true) {
        if (offset >= data.size()) {
            return makeError("domain name runs past the record data");
        }
        auto length = static_cast<unsigned char>(data[offset++]);
        if (length == 0) {
            break;
        }
        if (length > 63) {
            return makeError("compressed or invalid label in record data");
        }
        if (offset + length > data.size()) {
            return makeError("label runs past the record data");
        }
        if (!name.empty()) {
            name += '.';
        }
        name.append(data.substr(offset, length));
        offset += length;
        if (name.size() > 253) {
            return makeError("domain name longer than 253 bytes");
        }
    }
    if (offset != data.size()) {
        return makeError("bytes after the domain name in record data");
    }
    return name;
}

std::string formatAddress(int family, std::string_view bytes) {
    char text[INET6_ADDRSTRLEN] = {};
    inet_ntop(family, bytes.data(), text, sizeof text);
    return text;
}

}  // namespace

Result<DnsRecord> decodeRdata(DnsType type, std::string_view rdata) {
    DnsRecord record;
    switch (type) {
        case DnsType::A:
            if (rdata.size() != 4) {
                return makeError("A record data is not 4 bytes");
            }
            record.text = formatAddress(AF_INET, rdata);
            return record;
        case DnsType::Aaaa:
            if (rdata.size() != 16) {
                return makeError("AAAA record data is not 16 bytes");
            }
            record.text = formatAddress(AF_INET6, rdata);
            return record;
        case DnsType::Mx: {
            if (rdata.size() < 3) {
                return makeError("MX record data too short");
            }
            record.preference = static_cast<std::uint16_t>(
                (static_cast<unsigned char>(rdata[0]) << 8) | static_cast<unsigned char>(rdata[1]));
            auto name = decodeName(rdata, 2);
            if (!name) {
                return makeError(name.error());
            }
            record.text = *name;
            return record;
        }
        case DnsType::Ptr: {
            auto name = decodeName(rdata, 0);
            if (!name) {
                return makeError(name.error());
            }
            record.text = *name;
            return record;
        }
        case DnsType::Txt: {
            std::size_t offset = 0;
            while (offset < rdata.size()) {
                auto length = static_cast<unsigned char>(rdata[offset++]);
                if (offset + length > rdata.size()) {
                    return makeError("TXT character-string runs past the record data");
                }
                record.strings.emplace_back(rdata.substr(offset, length));
                record.text.append(rdata.substr(offset, length));
                offset += length;
            }
            return record;
        }
    }
    return makeError("unsupported record type");
}

const char* dnsTypeName(DnsType type) {
    switch (type) {
        case DnsType::A:
            return "A";
        case DnsType::Aaaa:
            return "AAAA";
        case DnsType::Mx:
            return "MX";
        case DnsType::Txt:
            return "TXT";
        case DnsType::Ptr:
            return "PTR";
    }
    return "?";
}

const char* dnsStatusName(DnsStatus status) {
    switch (status) {
        case DnsStatus::Ok:
            return "ok";
        case DnsStatus::NoData:
            return "nodata";
        case DnsStatus::NxDomain:
            return "nxdomain";
        case DnsStatus::TemporaryError:
            return "temporary_error";
        case DnsStatus::InvalidName:
            return "invalid_name";
    }
    return "?";
}

bool isQueryableDnsName(std::string_view name) {
    if (!name.empty() && name.back() == '.') {
        name.remove_suffix(1);
    }
    if (name.empty() || name.size() > 253) {
        return false;
    }
    std::size_t label = 0;
    for (char c : name) {
        if (c == '.') {
            if (label == 0) {
                return false;
            }
            label = 0;
        } else if (++label > 63 || c == '\0') {
            return false;
        }
    }
    return label > 0;
}

}  // namespace mailgate
