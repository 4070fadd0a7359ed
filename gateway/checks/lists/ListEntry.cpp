// White and black list entries (see ListEntry.hpp).
#include "gateway/checks/lists/ListEntry.hpp"

#include <cctype>

#include "gateway/net/MailAddress.hpp"
#include "gateway/util/AsciiCase.hpp"

namespace mailgate {
namespace {

// A domain of two labels at least ("bob" alone is more likely a mistyped address), with
// no wildcard but the leading "*." the caller has taken off.
bool plausibleDomain(std::string_view domain) {
    return !domain.empty() && domain.find_first_of(" \t@<>,;:/\\\"*") == std::string_view::npos &&
           domain.front() != '.' && domain.find("..") == std::string_view::npos &&
           domain.find('.') != std::string_view::npos && domain.find('.') + 1 < domain.size();
}

}  // namespace

Result<ListEntry> ListEntry::parseAddress(std::string_view text, ListDirection direction) {
    ListEntry entry;
    entry.direction_ = direction;
    entry.text_ = std::string(text);
    std::string value = lowerCase(text);
    auto at = value.rfind('@');
    if (at != std::string::npos) {
        if (at == 0 || !plausibleDomain(std::string_view(value).substr(at + 1)) ||
            value.find_first_of(" \t<>,;:*") != std::string::npos) {
            return makeError("\"" + std::string(text) + "\" is not an address");
        }
        entry.kind_ = Kind::Address;
        entry.value_ = value;
        return entry;
    }
    if (value.rfind("*.", 0) == 0) {
        entry.kind_ = Kind::DomainAndSubdomains;
        value.erase(0, 2);
    } else {
        entry.kind_ = Kind::Domain;
    }
    if (!plausibleDomain(value)) {
        return makeError("\"" + std::string(text) + "\" is not an address or domain");
    }
    entry.value_ = canonicalDomainName(value);
    return entry;
}

Result<ListEntry> ListEntry::parseDirected(std::string_view text) {
    auto colon = text.find(':');
    std::string direction = lowerCase(text.substr(0, colon == std::string_view::npos ? 0 : colon));
    std::string_view value = colon == std::string_view::npos ? "" : text.substr(colon + 1);
    if (direction == "client") {
        auto network = IpNetwork::parse(value);
        if (!network) {
            return makeError("\"" + std::string(text) + "\": " + network.error());
        }
        ListEntry entry;
        entry.direction_ = ListDirection::Client;
        entry.kind_ = Kind::Network;
        entry.network_ = *network;
        entry.text_ = std::string(text);
        return entry;
    }
    if (direction != "from" && direction != "to") {
        return makeError("\"" + std::string(text) + "\" does not start with from:, to: or client:");
    }
    auto entry = parseAddress(value, direction == "from" ? ListDirection::From : ListDirection::To);
    if (entry) {
        entry->text_ = std::string(text);
    }
    return entry;
}

bool ListEntry::matchesAddress(std::string_view address) const {
    if (kind_ == Kind::Network) {
        return false;
    }
    std::string lower = lowerCase(address);
    if (kind_ == Kind::Address) {
        return lower == value_;
    }
    auto domain = MailAddress::split(lower).domain;
    return kind_ == Kind::Domain ? domain == value_ : isDomainOrSubdomain(domain, value_);
}

bool ListEntry::matchesClient(const IpAddress& client) const {
    return kind_ == Kind::Network && network_->contains(client);
}

}  // namespace mailgate
