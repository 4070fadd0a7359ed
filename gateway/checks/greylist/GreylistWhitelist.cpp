// Greylisting whitelists (see GreylistWhitelist.hpp).
#include "gateway/checks/greylist/GreylistWhitelist.hpp"

#include <re2/re2.h>

#include <cctype>

#include "gateway/net/MailAddress.hpp"
#include "gateway/util/AsciiCase.hpp"

namespace mailgate {
namespace {

// "name+tag@domain" -> "name@domain".
std::string withoutExtension(const std::string& address) {
    auto parts = MailAddress::split(address);
    auto plus = parts.local_part.find('+');
    if (plus == std::string::npos || plus == 0) {
        return address;
    }
    return parts.local_part.substr(0, plus) + (parts.domain.empty() ? "" : "@" + parts.domain);
}

}  // namespace

Result<RecipientPattern> RecipientPattern::parse(std::string_view text) {
    RecipientPattern pattern;
    pattern.text_ = std::string(text);
    if (text.empty()) {
        return makeError("empty recipient pattern");
    }
    if (text.size() >= 2 && text.front() == '/' && text.back() == '/') {
        pattern.kind_ = Kind::Expression;
        pattern.expression_ = compileListExpression(text.substr(1, text.size() - 2));
        if (!pattern.expression_->ok()) {
            return makeError("invalid regular expression: " + pattern.expression_->error());
        }
        return pattern;
    }
    if (text.find_first_of(" \t,;<>") != std::string_view::npos) {
        return makeError("not a domain, name@, name@domain or /regexp/");
    }
    auto at = text.find('@');
    if (at == std::string_view::npos) {
        pattern.kind_ = Kind::Domain;
        pattern.value_ = canonicalDomainName(text);
    } else if (at + 1 == text.size()) {
        pattern.kind_ = Kind::LocalPart;
        pattern.value_ = lowerCase(text.substr(0, at));
    } else {
        pattern.kind_ = Kind::Address;
        pattern.value_ = lowerCase(text);
    }
    if (pattern.value_.empty()) {
        return makeError("not a domain, name@, name@domain or /regexp/");
    }
    return pattern;
}

bool RecipientPattern::matches(std::string_view recipient) const {
    std::string address = withoutExtension(lowerCase(recipient));
    auto parts = MailAddress::split(address);
    switch (kind_) {
        case Kind::Domain:
            return !parts.domain.empty() && isDomainOrSubdomain(parts.domain, value_);
        case Kind::LocalPart:
            return parts.local_part == value_;
        case Kind::Address:
            return address == value_;
        case Kind::Expression:
            return re2::RE2::PartialMatch(lowerCase(recipient), *expression_);
    }
    return false;
}

GreylistWhitelist::GreylistWhitelist(const std::vector<std::string>& clients,
                                     const std::vector<std::string>& recipients,
                                     const std::vector<std::string>& senderDomains) {
    for (const auto& entry : clients) {
        if (auto pattern = ClientPattern::parse(entry)) {
            clients_.add(std::move(*pattern));
        }
    }
    for (const auto& entry : recipients) {
        if (auto pattern = RecipientPattern::parse(entry)) {
            recipients_.push_back(std::move(*pattern));
        }
    }
    for (const auto& domain : senderDomains) {
        sender_domains_.push_back(canonicalDomainName(domain));
    }
}

std::string GreylistWhitelist::reasonToSkip(const IpAddress& client, std::string_view clientName,
                                            std::string_view sender,
                                            std::string_view recipient) const {
    if (const auto* entry = clients_.find(client, clientName)) {
        return "client entry " + entry->text();
    }
    for (const auto& pattern : recipients_) {
        if (pattern.matches(recipient)) {
            return "recipient entry " + pattern.text();
        }
    }
    auto senderDomain = MailAddress::split(sender).domain;
    for (const auto& domain : sender_domains_) {
        if (!senderDomain.empty() && isDomainOrSubdomain(senderDomain, domain)) {
            return "sender domain entry " + domain;
        }
    }
    return {};
}

}  // namespace mailgate
