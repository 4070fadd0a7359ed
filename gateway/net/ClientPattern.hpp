// ClientPattern: one entry of a client list (access control, greylisting whitelists), as
// postmasters write them: an address or CIDR network ("192.0.2.7", "198.51.100.0/24",
// "2001:db8::/32"), an IPv4 wildcard or prefix ("203.0.113.*", "10.*", "195.235.39"), a
// host name with its subdomains ("example.com"), subdomains only ("*.example.com"), or a
// regular expression searched in the name ("/^mx[0-9]+\.example\.net$/"; RE2, so no
// pattern can make matching slow). Names match only the MTA's verified client name, never
// "unknown". It does no DNS lookups.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/net/IpAddress.hpp"
#include "gateway/util/Result.hpp"

namespace re2 {
class RE2;
}

namespace mailgate {

class ClientPattern {
  public:
    static Result<ClientPattern> parse(std::string_view text);

    bool matches(const IpAddress& address, std::string_view verifiedName) const;
    const std::string& text() const { return text_; }

  private:
    enum class Kind { Network, Name, Subdomains, Expression };

    std::string text_;
    Kind kind_ = Kind::Network;
    std::optional<IpNetwork> network_;
    std::string name_;                            // lower case, no trailing dot
    std::shared_ptr<const re2::RE2> expression_;  // RE2: linear time on any input
};

class ClientPatternList {
  public:
    // Every entry must parse; the first bad one is the error ("ENTRY: reason").
    static Result<ClientPatternList> parse(const std::vector<std::string>& entries);
    void add(ClientPattern pattern) { patterns_.push_back(std::move(pattern)); }

    // The first entry that matches, or null.
    const ClientPattern* find(const IpAddress& address, std::string_view verifiedName) const;
    bool empty() const { return patterns_.empty(); }

  private:
    std::vector<ClientPattern> patterns_;
};

// A list entry's /regexp/ (without the slashes): RE2 syntax, case-insensitive, searched
// anywhere in the text, in time linear in the text whatever the pattern. Check ok().
std::shared_ptr<const re2::RE2> compileListExpression(std::string_view pattern);

// "example.com." -> "example.com", lower case: how names are compared everywhere.
std::string canonicalDomainName(std::string_view name);
// True when `name` is `domain` or one of its subdomains (both canonical).
bool isDomainOrSubdomain(std::string_view name, std::string_view domain);

}  // namespace mailgate
