// Client list entries (see ClientPattern.hpp).
#include "gateway/net/ClientPattern.hpp"

#include <re2/re2.h>

#include <cctype>

namespace mailgate {
namespace {

bool isDigits(std::string_view text) {
    if (text.empty() || text.size() > 3) {
        return false;
    }
    for (char c : text) {
        if (!std::isdigit(static_cast<unsigned char>(c))) {
            return false;
        }
    }
    return true;
}

std::vector<std::string_view> splitDots(std::string_view text) {
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    while (true) {
        auto dot = text.find('.', start);
        parts.push_back(text.substr(start, dot == std::string_view::npos ? dot : dot - start));
        if (dot == std::string_view::npos) {
            return parts;
        }
        start = dot + 1;
    }
}

// "203.0.113.*", "10.*", "195.235.39" -> the network they stand for; nothing when the
// text is not an IPv4 prefix of that shape.
std::optional<IpNetwork> ipv4Prefix(std::string_view text) {
    auto parts = splitDots(text);
    if (parts.size() > 4) {
        return std::nullopt;
    }
    std::string address;
    unsigned known = 0;
    bool wildcard = false;
    for (auto part : parts) {
        if (part == "*") {
            wildcard = true;
            continue;
        }
        if (wildcard || !isDigits(part) || std::stoi(std::string(part)) > 255) {
            return std::nullopt;  // a number after a wildcard, or not a number at all
        }
        address += (known ? "." : "") + std::string(part);
        ++known;
    }
    if (known == 0 || (known == 4 && !wildcard && parts.size() == 4)) {
        return std::nullopt;  // "*" alone, or a plain address (IpNetwork parses those)
    }
    for (unsigned i = known; i < 4; ++i) {
        address += ".0";
    }
    auto network = IpNetwork::parse(address + "/" + std::to_string(known * 8));
    return network ? std::optional<IpNetwork>(*network) : std::nullopt;
}

bool isHostNameText(std::string_view name) {
    if (name.empty() || name.size() > 253) {
        return false;
    }
    for (char c : name) {
        auto byte = static_cast<unsigned char>(c);
        if (!std::isalnum(byte) && c != '-' && c != '.' && c != '_') {
            return false;
        }
    }
    auto lastLabel = name.substr(name.rfind('.') + 1);
    bool numericTop =
        !lastLabel.empty() && lastLabel.find_first_not_of("0123456789") == std::string_view::npos;
    // A name whose top label is a number is a mistyped address, not a host name.
    return name.find("..") == std::string_view::npos && name.front() != '.' && !numericTop;
}

}  // namespace

std::shared_ptr<const re2::RE2> compileListExpression(std::string_view pattern) {
    re2::RE2::Options options;
    options.set_case_sensitive(false);
    options.set_log_errors(false);
    options.set_max_mem(1 << 20);  // an entry is a short pattern; refuse monsters
    return std::make_shared<const re2::RE2>(re2::StringPiece(pattern.data(), pattern.size()),
                                            options);
}

std::string canonicalDomainName(std::string_view name) {
    std::string out;
    out.reserve(name.size());
    for (char c : name) {
        out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    while (!out.empty() && out.back() == '.') {
        out.pop_back();
    }
    return out;
}

bool isDomainOrSubdomain(std::string_view name, std::string_view domain) {
    if (name.size() == domain.size()) {
        return name == domain;
    }
    return name.size() > domain.size() && name.substr(name.size() - domain.size()) == domain &&
           name[name.size() - domain.size() - 1] == '.';
}

Result<ClientPattern> ClientPattern::parse(std::string_view text) {
    ClientPattern pattern;
    pattern.text_ = std::string(text);
    if (text.empty()) {
        return makeError("empty client pattern");
    }
    if (text.size() >= 2 && text.front() == '/' && text.back() == '/') {
        pattern.kind_ = Kind::Expression;
        pattern.expression_ = compileListExpression(text.substr(1, text.size() - 2));
        if (!pattern.expression_->ok()) {
            return makeError("invalid regular expression: " + pattern.expression_->error());
        }
        return pattern;
    }
    if (auto network = IpNetwork::parse(text)) {
        pattern.network_ = *network;
        return pattern;
    }
    if (auto prefix = ipv4Prefix(text)) {
        pattern.network_ = *prefix;
        return pattern;
    }
    std::string_view name = text;
    if (name.substr(0, 2) == "*.") {
        pattern.kind_ = Kind::Subdomains;
        name.remove_prefix(2);
    } else {
        pattern.kind_ = Kind::Name;
    }
    pattern.name_ = canonicalDomainName(name);
    if (!isHostNameText(pattern.name_) || pattern.name_.find('*') != std::string::npos) {
        return makeError("not an address, network, wildcard, host name or /regexp/");
    }
    return pattern;
}

bool ClientPattern::matches(const IpAddress& address, std::string_view verifiedName) const {
    if (kind_ == Kind::Network) {
        return network_->contains(address);
    }
    if (verifiedName.empty() || verifiedName == "unknown") {
        return false;
    }
    std::string name = canonicalDomainName(verifiedName);
    switch (kind_) {
        case Kind::Name:
            return isDomainOrSubdomain(name, name_);
        case Kind::Subdomains:
            return name.size() > name_.size() && isDomainOrSubdomain(name, name_);
        case Kind::Expression:
            return re2::RE2::PartialMatch(name, *expression_);
        case Kind::Network:
            break;
    }
    return false;
}

Result<ClientPatternList> ClientPatternList::parse(const std::vector<std::string>& entries) {
    ClientPatternList list;
    for (const auto& entry : entries) {
        auto pattern = ClientPattern::parse(entry);
        if (!pattern) {
            return makeError("\"" + entry + "\": " + pattern.error());
        }
        list.add(std::move(*pattern));
    }
    return list;
}

const ClientPattern* ClientPatternList::find(const IpAddress& address,
                                             std::string_view verifiedName) const {
    for (const auto& pattern : patterns_) {
        if (pattern.matches(address, verifiedName)) {
            return &pattern;
        }
    }
    return nullptr;
}

}  // namespace mailgate
