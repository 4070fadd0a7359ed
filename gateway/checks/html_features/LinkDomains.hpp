// LinkDomains: whether a link's visible text names another site than the one it leads to
// ("www.bank.example" shown, http://203.0.113.9/login the target): the host a link text
// shows (a URL or a "www." name; a bare domain, plain words, file names and addresses
// are not taken as claims about the target), the host of an http(s) target (userinfo and port
// dropped: http://bank.example@evil.test/ leads to evil.test), and the comparison of the
// two by site. Not a URL parser for anything else (gateway/mime/UrlExtractor is).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace mailgate {

// The host named by a link's whole visible text, lower case; nullopt when the text is not
// a URL or a domain.
std::optional<std::string> hostShownByLinkText(std::string_view text);
// The host an http or https target leads to, lower case; nullopt for other schemes.
std::optional<std::string> hostOfLinkTarget(std::string_view target);
// The site a host belongs to, for comparing two hosts.
std::string siteOfHost(std::string_view host);

struct LinkMismatch {
    std::string shown;   // the host the text shows
    std::string target;  // the host the link leads to
};

// The two hosts when the text shows another site than the target's, unless the target
// carries the shown site along (a redirector or click tracker: ...?u=https://shop.example).
std::optional<LinkMismatch> linkShowsOtherSite(std::string_view text, std::string_view target);

}  // namespace mailgate
