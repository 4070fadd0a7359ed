// Parsing of DNS list specs and return-code filters (see DnsblZone.hpp).
#include "gateway/dnsbl/DnsblZone.hpp"

#include <cctype>
#include <charconv>
#include <cmath>

#include "gateway/dns/DnsAnswer.hpp"

namespace mailgate {
namespace {

// Weights beyond this are typing mistakes, not policy: a whole message rarely scores 100.
constexpr double kLargestWeight = 1000.0;
// The longest reversed client name (IPv6: 32 nibbles and their dots) plus the dot before
// the zone; the zone must leave room for it in a 253-byte name.
constexpr std::size_t kLongestQueryPrefix = 64;

std::string quote(std::string_view text) {
    constexpr std::size_t kShown = 80;
    std::string shown(text.substr(0, kShown));
    for (char& c : shown) {
        if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) {
            c = '?';
        }
    }
    return "\"" + shown + (text.size() > kShown ? "...\"" : "\"");
}

Result<std::uint32_t> parseDecimal(std::string_view text, std::uint32_t largest) {
    if (text.empty() || text.size() > 10 ||
        text.find_first_not_of("0123456789") != std::string_view::npos) {
        return makeError("expected a decimal number, got " + quote(text));
    }
    std::uint64_t value = 0;
    for (char c : text) {
        value = value * 10 + static_cast<std::uint64_t>(c - '0');
    }
    if (value > largest) {
        return makeError(quote(text) + " is larger than " + std::to_string(largest));
    }
    return static_cast<std::uint32_t>(value);
}

std::vector<std::string_view> split(std::string_view text, char separator) {
    std::vector<std::string_view> pieces;
    std::size_t start = 0;
    while (true) {
        auto end = text.find(separator, start);
        pieces.push_back(text.substr(start, end == std::string_view::npos ? end : end - start));
        if (end == std::string_view::npos) {
            return pieces;
        }
        start = end + 1;
    }
}

// One octet of a pattern: "2" or "[2..11;20]" (postscreen's notation).
Result<std::vector<std::pair<std::uint8_t, std::uint8_t>>> parseOctet(std::string_view text) {
    std::vector<std::pair<std::uint8_t, std::uint8_t>> ranges;
    bool bracketed = text.size() >= 2 && text.front() == '[' && text.back() == ']';
    if (bracketed) {
        text = text.substr(1, text.size() - 2);
    }
    auto items = bracketed ? split(text, ';') : std::vector<std::string_view>{text};
    for (auto item : items) {
        auto dots = item.find("..");
        if (dots != std::string_view::npos && !bracketed) {
            return makeError("write a range of octet values in brackets: [" + std::string(item) +
                             "]");
        }
        auto low = parseDecimal(item.substr(0, dots), 255);
        auto high = dots == std::string_view::npos ? low : parseDecimal(item.substr(dots + 2), 255);
        if (!low || !high) {
            return makeError("bad octet " + quote(item) + " (expected 0-255, or A..B in [])");
        }
        if (*low > *high) {
            return makeError("empty octet range " + quote(item));
        }
        ranges.emplace_back(static_cast<std::uint8_t>(*low), static_cast<std::uint8_t>(*high));
    }
    return ranges;
}

std::uint32_t addressValue(const IpAddress& address) {
    const auto* bytes = address.bytes();
    return (std::uint32_t{bytes[0]} << 24) | (std::uint32_t{bytes[1]} << 16) |
           (std::uint32_t{bytes[2]} << 8) | std::uint32_t{bytes[3]};
}

std::string dottedQuad(std::uint32_t value) {
    return std::to_string(value >> 24) + "." + std::to_string((value >> 16) & 0xff) + "." +
           std::to_string((value >> 8) & 0xff) + "." + std::to_string(value & 0xff);
}

Result<double> parseWeight(std::string_view text) {
    // Plain decimal only ("3", "-1.5"): no exponents, "inf" or "nan" in a config file.
    if (text.empty() || text.find_first_not_of("-.0123456789") != std::string_view::npos ||
        text.find('-', 1) != std::string_view::npos || text == "-" || text.front() == '.' ||
        text.back() == '.' || text.find('.') != text.rfind('.')) {
        return makeError("weight " + quote(text) + " is not a decimal number (\"3\", \"-1.5\")");
    }
    double weight = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), weight);
    if (error != std::errc() || end != text.data() + text.size() || !std::isfinite(weight) ||
        std::fabs(weight) > kLargestWeight) {
        return makeError("weight " + quote(text) + " must be between -1000 and 1000");
    }
    return weight;
}

Result<std::string> parseZoneName(std::string_view text) {
    std::string zone(text);
    if (!zone.empty() && zone.back() == '.') {
        zone.pop_back();
    }
    for (char& c : zone) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') {
            return makeError("zone " + quote(text) +
                             " may hold only letters, digits, '-', '_' and dots");
        }
    }
    // isQueryableDnsName allows one trailing dot, already removed: a second is an error.
    if (!isQueryableDnsName(zone) || zone.back() == '.' ||
        zone.size() + kLongestQueryPrefix > 253) {
        return makeError("zone " + quote(text) +
                         " is not a domain name that leaves room for a reversed address");
    }
    return zone;
}

Result<std::string> parseLabel(std::string_view text) {
    if (text.empty() || text.size() > 253) {
        return makeError("label before ':' must be 1-253 characters");
    }
    std::string label;
    for (char c : text) {
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') {
            return makeError("label " + quote(text) + " may hold only letters, digits and '_'");
        }
        label += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    return label;
}

// The parser takes plain decimals only ("0.0006", never "6e-04"), so describe() writes
// the shortest fixed-point form that reads back as the same double; a double needs at
// most a few hundred digits that way.
std::string formatWeight(double weight) {
    char buffer[512];
    auto [end, error] =
        std::to_chars(buffer, buffer + sizeof buffer, weight, std::chars_format::fixed);
    return error == std::errc() ? std::string(buffer, end) : std::to_string(weight);
}

}  // namespace

bool isListAnswerAddress(const IpAddress& answer) {
    return answer.isIpv4() && answer.bytes()[0] == 127;
}

Result<ReturnCodeFilter> ReturnCodeFilter::parsePattern(std::string_view text) {
    // Brackets hold no dots, so the octets are what lies between the dots outside them;
    // a range "2..11" is inside brackets, so split on dots outside brackets only.
    std::vector<std::string_view> octets;
    std::size_t start = 0;
    int depth = 0;
    for (std::size_t i = 0; i <= text.size(); ++i) {
        if (i < text.size() && text[i] == '[') {
            ++depth;
        } else if (i < text.size() && text[i] == ']') {
            --depth;
        } else if (i == text.size() || (text[i] == '.' && depth == 0)) {
            octets.push_back(text.substr(start, i - start));
            start = i + 1;
        }
        if (depth < 0 || depth > 1) {
            return makeError("unbalanced brackets in return code " + quote(text));
        }
    }
    if (depth != 0 || octets.size() != 4) {
        return makeError("return code " + quote(text) +
                         " must be four octets (127.0.0.2 or 127.0.0.[2..11])");
    }
    ReturnCodeFilter filter;
    filter.kind_ = Kind::Pattern;
    for (std::size_t i = 0; i < 4; ++i) {
        auto ranges = parseOctet(octets[i]);
        if (!ranges) {
            return makeError("return code " + quote(text) + ": " + ranges.error());
        }
        filter.octets_[i] = std::move(*ranges);
    }
    bool allows127 = false;
    for (auto [low, high] : filter.octets_[0]) {
        allows127 = allows127 || (low <= 127 && 127 <= high);
    }
    if (!allows127) {
        return makeError("return code " + quote(text) +
                         " can never match: lists answer in 127.0.0.0/8");
    }
    return filter;
}

Result<ReturnCodeFilter> ReturnCodeFilter::parseBitmask(std::string_view text) {
    ReturnCodeFilter filter;
    filter.kind_ = Kind::Bitmask;
    if (text.find('.') == std::string_view::npos) {
        // SpamAssassin's numeric sub-test form; the first octet is always 127, so a mask
        // reaching into it would match every answer.
        auto value = parseDecimal(text, 0xffffff);
        if (!value) {
            return makeError("bitmask " + quote(text) + ": " + value.error() +
                             " (a mask reaching the first octet would match every answer)");
        }
        filter.mask_ = *value;
    } else {
        auto octets = split(text, '.');
        if (octets.size() != 4) {
            return makeError("bitmask " + quote(text) +
                             " must be four octets (0.0.0.4) or a number");
        }
        for (auto octet : octets) {
            auto value = parseDecimal(octet, 255);
            if (!value) {
                return makeError("bitmask " + quote(text) + ": " + value.error());
            }
            filter.mask_ = (filter.mask_ << 8) | *value;
        }
        if (filter.mask_ >> 24) {
            return makeError("bitmask " + quote(text) +
                             " must have 0 as its first octet (every answer starts with 127)");
        }
    }
    if (filter.mask_ == 0) {
        return makeError("bitmask " + quote(text) + " has no bit set and could never match");
    }
    return filter;
}

bool ReturnCodeFilter::matches(const IpAddress& answer) const {
    if (!isListAnswerAddress(answer)) {
        return false;
    }
    switch (kind_) {
        case Kind::AnyListAnswer:
            return true;
        case Kind::Bitmask:
            return (addressValue(answer) & mask_) != 0;
        case Kind::Pattern:
            for (std::size_t i = 0; i < 4; ++i) {
                bool inside = false;
                for (auto [low, high] : octets_[i]) {
                    inside = inside || (low <= answer.bytes()[i] && answer.bytes()[i] <= high);
                }
                if (!inside) {
                    return false;
                }
            }
            return true;
    }
    return false;
}

std::string ReturnCodeFilter::describe() const {
    if (kind_ == Kind::AnyListAnswer) {
        return "";
    }
    if (kind_ == Kind::Bitmask) {
        return "&" + dottedQuad(mask_);
    }
    std::string text = "=";
    for (std::size_t i = 0; i < 4; ++i) {
        const auto& ranges = octets_[i];
        bool plain = ranges.size() == 1 && ranges[0].first == ranges[0].second;
        text += i ? "." : "";
        if (plain) {
            text += std::to_string(ranges[0].first);
            continue;
        }
        text += "[";
        for (std::size_t r = 0; r < ranges.size(); ++r) {
            text += (r ? ";" : "") + std::to_string(ranges[r].first);
            if (ranges[r].first != ranges[r].second) {
                text += ".." + std::to_string(ranges[r].second);
            }
        }
        text += "]";
    }
    return text;
}

Result<DnsblZone> DnsblZone::parse(std::string_view spec) {
    DnsblZone zone;
    std::string_view rest = spec;
    if (rest.empty()) {
        return makeError("empty DNS list entry");
    }
    if (auto colon = rest.find(':'); colon != std::string_view::npos) {
        auto label = parseLabel(rest.substr(0, colon));
        if (!label) {
            return makeError(quote(spec) + ": " + label.error());
        }
        zone.label = std::move(*label);
        rest = rest.substr(colon + 1);
    }
    if (auto star = rest.rfind('*'); star != std::string_view::npos) {
        auto weight = parseWeight(rest.substr(star + 1));
        if (!weight) {
            return makeError(quote(spec) + ": " + weight.error());
        }
        zone.weight = *weight;
        rest = rest.substr(0, star);
    }
    auto equals = rest.find('=');
    auto ampersand = rest.find('&');
    if (equals != std::string_view::npos && ampersand != std::string_view::npos) {
        return makeError(quote(spec) + ": give either =RETURN_CODE or &BITMASK, not both");
    }
    auto filterAt = std::min(equals, ampersand);
    if (filterAt != std::string_view::npos) {
        auto text = rest.substr(filterAt + 1);
        auto filter = equals != std::string_view::npos ? ReturnCodeFilter::parsePattern(text)
                                                       : ReturnCodeFilter::parseBitmask(text);
        if (!filter) {
            return makeError(quote(spec) + ": " + filter.error());
        }
        zone.filter = std::move(*filter);
        rest = rest.substr(0, filterAt);
    }
    auto name = parseZoneName(rest);
    if (!name) {
        return makeError(quote(spec) + ": " + name.error());
    }
    zone.zone = std::move(*name);
    if (zone.label.empty()) {
        zone.label = defaultLabel(zone.zone);
    }
    return zone;
}

std::string DnsblZone::defaultLabel(std::string_view zone) {
    std::string label;
    for (char c : zone) {
        label += std::isalnum(static_cast<unsigned char>(c))
                     ? static_cast<char>(std::toupper(static_cast<unsigned char>(c)))
                     : '_';
    }
    return label;
}

std::string DnsblZone::queryName(const IpAddress& client) const {
    return client.reversedName() + "." + zone;
}

std::string DnsblZone::describe() const {
    std::string text = label + ":" + zone + filter.describe();
    if (weight != 1.0) {
        text += "*" + formatWeight(weight);
    }
    return text;
}

}  // namespace mailgate
