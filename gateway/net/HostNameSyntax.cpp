// Host name and address literal syntax for the client checks (see HostNameSyntax.hpp).
#include "gateway/net/HostNameSyntax.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>

namespace mailgate {
namespace {

bool isLabelCharacter(unsigned char c) {
    return std::isalnum(c) || c == '-' || c == '_';
}

bool hasNulOrControl(std::string_view text) {
    return std::any_of(text.begin(), text.end(),
                       [](unsigned char c) { return c < 0x20 || c == 0x7f; });
}

bool equalsIgnoringCase(std::string_view left, std::string_view right) {
    return left.size() == right.size() && std::equal(left.begin(), left.end(), right.begin(),
                                                     [](unsigned char a, unsigned char b) {
                                                         return std::tolower(a) == std::tolower(b);
                                                     });
}

}  // namespace

HostNameSyntax classifyHostName(std::string_view name) {
    if (!name.empty() && name.back() == '.') {
        name.remove_suffix(1);
    }
    if (name.empty() || name.size() > 253) {
        return HostNameSyntax::Invalid;
    }
    std::size_t labels = 0;
    std::string_view rest = name;
    std::string_view label;
    while (true) {
        auto dot = rest.find('.');
        label = rest.substr(0, dot);
        if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-' ||
            !std::all_of(label.begin(), label.end(), isLabelCharacter)) {
            return HostNameSyntax::Invalid;
        }
        ++labels;
        if (dot == std::string_view::npos) {
            break;
        }
        rest.remove_prefix(dot + 1);
    }
    // An all-numeric top label is no TLD: "192.0.2" or "host.123" is a broken address.
    if (std::all_of(label.begin(), label.end(), [](unsigned char c) { return std::isdigit(c); })) {
        return HostNameSyntax::Invalid;
    }
    return labels > 1 ? HostNameSyntax::Valid : HostNameSyntax::NotFullyQualified;
}

bool looksLikeAddressLiteral(std::string_view text) {
    return text.size() >= 2 && text.front() == '[' && text.back() == ']';
}

Result<IpAddress> parseAddressLiteral(std::string_view text) {
    if (!looksLikeAddressLiteral(text) || hasNulOrControl(text)) {
        return makeError("not an address literal");
    }
    std::string_view inside = text.substr(1, text.size() - 2);
    bool tagged = inside.size() > 5 && equalsIgnoringCase(inside.substr(0, 5), "IPv6:");
    if (tagged) {
        inside.remove_prefix(5);
    }
    auto address = IpAddress::parse(inside);
    if (!address) {
        return makeError("not an address literal");
    }
    // "[IPv6:192.0.2.1]" is malformed; the untagged "[2001:db8::1]" is accepted because
    // real clients send it and it is no sign of abuse.
    if (tagged && inside.find(':') == std::string_view::npos) {
        return makeError("not an address literal");
    }
    return address;
}

bool isBareIpAddress(std::string_view text) {
    return !hasNulOrControl(text) && IpAddress::parse(text).ok();
}

std::string canonicalHostName(std::string_view name) {
    if (!name.empty() && name.back() == '.') {
        name.remove_suffix(1);
    }
    std::string out(name);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

std::string printableText(std::string_view text, std::size_t limit) {
    std::string out;
    for (std::size_t i = 0; i < text.size() && i < limit; ++i) {
        auto c = static_cast<unsigned char>(text[i]);
        if (c < 0x20 || c >= 0x7f || c == '\\' || c == '"') {
            char escape[8];
            std::snprintf(escape, sizeof escape, "\\x%02x", c);
            out += escape;
        } else {
            out += static_cast<char>(c);
        }
    }
    if (text.size() > limit) {
        out += "...";
    }
    return out;
}

}  // namespace mailgate
