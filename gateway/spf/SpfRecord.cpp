// The SPF record parser (see SpfRecord.hpp): terms split on spaces, each a directive
// (qualifier, mechanism name, ":" domain-spec or network, CIDR lengths) or a modifier
// (name "=" macro-string); every part checked against RFC 7208's ABNF.
#include "gateway/spf/SpfRecord.hpp"

#include <cctype>

#include "gateway/spf/SpfMacro.hpp"

namespace mailgate {
namespace {

std::string lower(std::string_view text) {
    std::string out(text);
    for (auto& c : out) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return out;
}

bool startsWithNoCase(std::string_view text, std::string_view prefix) {
    return text.size() >= prefix.size() && lower(text.substr(0, prefix.size())) == prefix;
}

// "/24" -> 24; RFC 7208 forbids leading zeros ("0" alone is fine).
Result<unsigned> parsePrefixLength(std::string_view digits, unsigned maximum) {
    if (digits.empty() || digits.size() > 3 ||
        digits.find_first_not_of("0123456789") != std::string_view::npos ||
        (digits.size() > 1 && digits.front() == '0')) {
        return makeError("invalid CIDR length \"/" + std::string(digits) + "\"");
    }
    unsigned value = static_cast<unsigned>(std::stoul(std::string(digits)));
    if (value > maximum) {
        return makeError("CIDR length /" + std::string(digits) + " out of range");
    }
    return value;
}

// Splits "domain-spec/ip4//ip6" at the dual-cidr suffix. The suffix is the text after
// the last '/' that is followed only by digits (and one more "//digits" part).
Result<void> takeDualCidr(std::string_view& text, SpfMechanism& mechanism) {
    auto isDigits = [](std::string_view part) {
        return !part.empty() && part.find_first_not_of("0123456789") == std::string_view::npos;
    };
    auto doubleSlash = text.rfind("//");
    if (doubleSlash != std::string_view::npos && isDigits(text.substr(doubleSlash + 2))) {
        auto length = parsePrefixLength(text.substr(doubleSlash + 2), 128);
        if (!length) {
            return makeError(length.error());
        }
        mechanism.ip6_prefix = *length;
        text = text.substr(0, doubleSlash);
    }
    auto slash = text.rfind('/');
    if (slash != std::string_view::npos && isDigits(text.substr(slash + 1))) {
        auto length = parsePrefixLength(text.substr(slash + 1), 32);
        if (!length) {
            return makeError(length.error());
        }
        mechanism.ip4_prefix = *length;
        text = text.substr(0, slash);
    }
    return {};
}

Result<void> parseNetwork(std::string_view value, bool ipv6, SpfMechanism& mechanism) {
    auto slash = value.find('/');
    auto address = IpAddress::parse(value.substr(0, slash));
    // "ip4:::ffff:1.2.3.4" must stay invalid: the written text decides the family.
    bool writtenAsIpv6 = value.substr(0, slash).find(':') != std::string_view::npos;
    if (!address || writtenAsIpv6 != ipv6) {
        return makeError("invalid " + std::string(ipv6 ? "ip6" : "ip4") + " address \"" +
                         std::string(value) + "\"");
    }
    std::string network = address->toString();
    if (slash != std::string_view::npos) {
        auto length = parsePrefixLength(value.substr(slash + 1), ipv6 ? 128 : 32);
        if (!length) {
            return makeError(length.error());
        }
        network += "/" + std::to_string(*length);
    }
    auto parsed = IpNetwork::parse(network);
    if (!parsed) {
        return makeError(parsed.error());
    }
    mechanism.network = *parsed;
    return {};
}

struct MechanismName {
    std::string_view name;
    SpfMechanismKind kind;
};

constexpr MechanismName kMechanisms[] = {
    {"all", SpfMechanismKind::All}, {"include", SpfMechanismKind::Include},
    {"a", SpfMechanismKind::A},     {"mx", SpfMechanismKind::Mx},
    {"ptr", SpfMechanismKind::Ptr}, {"ip4", SpfMechanismKind::Ip4},
    {"ip6", SpfMechanismKind::Ip6}, {"exists", SpfMechanismKind::Exists},
};

Result<SpfMechanism> parseDirective(std::string_view term) {
    SpfMechanism mechanism;
    mechanism.text = std::string(term);
    switch (term.front()) {
        case '+':
            term.remove_prefix(1);
            break;
        case '-':
            mechanism.qualifier = SpfResultCode::Fail;
            term.remove_prefix(1);
            break;
        case '~':
            mechanism.qualifier = SpfResultCode::Softfail;
            term.remove_prefix(1);
            break;
        case '?':
            mechanism.qualifier = SpfResultCode::Neutral;
            term.remove_prefix(1);
            break;
        default:
            break;
    }
    auto end = term.find_first_of(":/");
    std::string name = lower(term.substr(0, end));
    std::string_view rest = end == std::string_view::npos ? std::string_view() : term.substr(end);
    const MechanismName* known = nullptr;
    for (const auto& candidate : kMechanisms) {
        if (candidate.name == name) {
            known = &candidate;
        }
    }
    if (known == nullptr) {
        return makeError("unknown mechanism \"" + mechanism.text + "\"");
    }
    mechanism.kind = known->kind;
    auto invalid = [&](const std::string& why) {
        return makeError("invalid mechanism \"" + mechanism.text + "\": " + why);
    };
    switch (mechanism.kind) {
        case SpfMechanismKind::All:
            if (!rest.empty()) {
                return invalid("\"all\" takes no argument");
            }
            return mechanism;
        case SpfMechanismKind::Ip4:
        case SpfMechanismKind::Ip6: {
            if (rest.size() < 2 || rest.front() != ':') {
                return invalid("an address is required");
            }
            auto parsed =
                parseNetwork(rest.substr(1), mechanism.kind == SpfMechanismKind::Ip6, mechanism);
            if (!parsed) {
                return invalid(parsed.error());
            }
            return mechanism;
        }
        case SpfMechanismKind::A:
        case SpfMechanismKind::Mx: {
            auto cidr = takeDualCidr(rest, mechanism);
            if (!cidr) {
                return invalid(cidr.error());
            }
            break;
        }
        default:
            break;
    }
    if (!rest.empty()) {
        if (rest.front() != ':' || rest.size() == 1) {
            return invalid("expected \":domain\"");
        }
        mechanism.domain_spec = std::string(rest.substr(1));
        auto checked = checkSpfMacroText(mechanism.domain_spec, SpfMacroUse::DomainSpec);
        if (!checked) {
            return invalid(checked.error());
        }
    } else if (mechanism.kind == SpfMechanismKind::Include ||
               mechanism.kind == SpfMechanismKind::Exists) {
        return invalid("a domain is required");
    }
    return mechanism;
}

bool isModifierName(std::string_view name) {
    if (name.empty() || !std::isalpha(static_cast<unsigned char>(name.front()))) {
        return false;
    }
    for (unsigned char c : name) {
        if (!std::isalnum(c) && c != '-' && c != '_' && c != '.') {
            return false;
        }
    }
    return true;
}

}  // namespace

bool isSpfRecord(std::string_view text) {
    return startsWithNoCase(text, "v=spf1") && (text.size() == 6 || text[6] == ' ');
}

Result<SpfRecord> parseSpfRecord(std::string_view text) {
    if (!isSpfRecord(text)) {
        return makeError("not an SPF version 1 record");
    }
    SpfRecord record;
    std::size_t position = 6;
    while (position < text.size()) {
        if (text[position] == ' ') {
            ++position;
            continue;
        }
        auto end = text.find(' ', position);
        std::string_view term = text.substr(
            position, end == std::string_view::npos ? std::string_view::npos : end - position);
        position = end == std::string_view::npos ? text.size() : end;

        auto equals = term.find('=');
        auto colonOrSlash = term.find_first_of(":/");
        bool modifier = equals != std::string_view::npos &&
                        (colonOrSlash == std::string_view::npos || equals < colonOrSlash) &&
                        isModifierName(term.substr(0, equals));
        if (!modifier) {
            auto mechanism = parseDirective(term);
            if (!mechanism) {
                return makeError(mechanism.error());
            }
            record.mechanisms.push_back(std::move(*mechanism));
            continue;
        }
        std::string name = lower(term.substr(0, equals));
        std::string value(term.substr(equals + 1));
        if (name == "redirect" || name == "exp") {
            auto& slot = name == "redirect" ? record.redirect : record.explanation;
            if (slot) {
                return makeError("more than one " + name + "= modifier");
            }
            auto checked = checkSpfMacroText(value, SpfMacroUse::DomainSpec);
            if (value.empty() || !checked) {
                return makeError("invalid " + name + "= target \"" + value +
                                 "\": " + (value.empty() ? "empty" : checked.error()));
            }
            slot = std::move(value);
            continue;
        }
        // Unknown modifiers are ignored, but their value must still be a macro-string.
        if (auto checked = checkSpfMacroText(value, SpfMacroUse::ModifierValue); !checked) {
            return makeError("invalid modifier \"" + std::string(term) + "\": " + checked.error());
        }
    }
    return record;
}

int countDnsTerms(const SpfRecord& record) {
    int count = record.redirect ? 1 : 0;
    for (const auto& mechanism : record.mechanisms) {
        switch (mechanism.kind) {
            case SpfMechanismKind::Include:
            case SpfMechanismKind::A:
            case SpfMechanismKind::Mx:
            case SpfMechanismKind::Ptr:
            case SpfMechanismKind::Exists:
                ++count;
                break;
            default:
                break;
        }
    }
    return count;
}

}  // namespace mailgate
