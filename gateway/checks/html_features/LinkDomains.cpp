// A link's shown site against its real one (see LinkDomains.hpp).
#include "gateway/checks/html_features/LinkDomains.hpp"

#include <algorithm>
#include <cctype>

#include "gateway/net/PublicSuffix.hpp"
#include "gateway/util/AsciiCase.hpp"

namespace mailgate {
namespace {

bool startsWith(std::string_view text, std::string_view prefix) {
    return text.substr(0, prefix.size()) == prefix;
}

// "a.b.example": labels of letters, digits and hyphens, at least two of them.
bool hostSyntax(std::string_view host) {
    if (host.empty() || host.size() > 253 || host.front() == '.' || host.back() == '.' ||
        host.find("..") != std::string_view::npos || host.find('.') == std::string_view::npos) {
        return false;
    }
    return std::all_of(host.begin(), host.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.';
    });
}

// The host part of "host[:port][/path]" after the scheme, userinfo dropped.
std::string_view authorityHost(std::string_view rest) {
    auto end = rest.find_first_of("/?#\\");
    std::string_view authority = rest.substr(0, end);
    auto at = authority.rfind('@');
    if (at != std::string_view::npos) {
        authority.remove_prefix(at + 1);
    }
    if (!authority.empty() && authority.front() == '[') {
        return authority.substr(0, authority.find(']') + 1);  // an IPv6 literal
    }
    return authority.substr(0, authority.find(':'));
}

}  // namespace

std::optional<std::string> hostShownByLinkText(std::string_view text) {
    std::string lower = lowerCase(text.substr(0, 300));
    std::string_view shown = lower;
    while (!shown.empty() && std::isspace(static_cast<unsigned char>(shown.front()))) {
        shown.remove_prefix(1);
    }
    while (!shown.empty() &&
           (std::isspace(static_cast<unsigned char>(shown.back())) ||
            std::string_view(".,;:!?)]>\"'").find(shown.back()) != std::string_view::npos)) {
        shown.remove_suffix(1);
    }
    while (!shown.empty() &&
           std::string_view("(<[\"'").find(shown.front()) != std::string_view::npos) {
        shown.remove_prefix(1);
    }
    if (shown.find_first_of(" \t\r\n") != std::string_view::npos) {
        return std::nullopt;  // words, not a URL
    }
    bool url = startsWith(shown, "http://") || startsWith(shown, "https://");
    if (url) {
        shown.remove_prefix(shown.find("//") + 2);
    } else if (shown.find('@') != std::string_view::npos) {
        return std::nullopt;  // an address: mailto links show those
    }
    std::string host(url ? authorityHost(shown) : shown.substr(0, shown.find_first_of("/?#:")));
    if (!hostSyntax(host)) {
        return std::nullopt;
    }
    // A bare domain ("walmart.com") is more often a brand named in a newsletter, linked
    // through the sender's tracker, than a claim about where the link goes; a URL or a
    // "www." name claims to be the link itself.
    bool explicitHost = url || startsWith(host, "www.");
    if (!explicitHost) {
        return std::nullopt;
    }
    return host;
}

std::optional<std::string> hostOfLinkTarget(std::string_view target) {
    std::string lower = lowerCase(target.substr(0, 1000));
    std::string_view rest = lower;
    while (!rest.empty() && std::isspace(static_cast<unsigned char>(rest.front()))) {
        rest.remove_prefix(1);
    }
    if (!startsWith(rest, "http://") && !startsWith(rest, "https://")) {
        return std::nullopt;
    }
    rest.remove_prefix(rest.find(':') + 1);
    while (!rest.empty() && (rest.front() == '/' || rest.front() == '\\')) {
        rest.remove_prefix(1);
    }
    std::string host(authorityHost(rest));
    while (!host.empty() && host.back() == '.') {
        host.pop_back();
    }
    if (host.empty()) {
        return std::nullopt;
    }
    return host;
}

// The registrable domain ("mail.shop.co.uk" -> "shop.co.uk", the Public Suffix List); an
// IP address, or a name without one, stays whole.
std::string siteOfHost(std::string_view host) {
    return registrableDomainOrHost(host);
}

std::optional<LinkMismatch> linkShowsOtherSite(std::string_view text, std::string_view target) {
    auto shown = hostShownByLinkText(text);
    if (!shown) {
        return std::nullopt;
    }
    auto real = hostOfLinkTarget(target);
    if (!real) {
        return std::nullopt;
    }
    std::string shownSite = siteOfHost(*shown);
    if (shownSite == siteOfHost(*real)) {
        return std::nullopt;
    }
    // Looked for after the host only: "paypal.example.evil.test" carries nothing along.
    std::string lower = lowerCase(target);
    auto hostAt = lower.find(*real);
    if (hostAt != std::string::npos &&
        lower.find(shownSite, hostAt + real->size()) != std::string::npos) {
        return std::nullopt;
    }
    return LinkMismatch{*shown, *real};
}

}  // namespace mailgate
