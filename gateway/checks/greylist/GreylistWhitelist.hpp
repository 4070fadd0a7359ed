// GreylistWhitelist: who is never greylisted, in postgrey's terms. Clients: ClientPatterns
// (addresses, CIDR, IP prefixes, host names with subdomains, /regexp/), from
// greylist.whitelist_clients and a postgrey-format file. Recipients: "domain" (and its
// subdomains), "name@" (that local part at any domain), "name@domain", "/regexp/"; a
// "+extension" on the recipient is ignored. Sender domains: a domain and its subdomains.
// Built once per snapshot from entries the loader validated; it does no lookups.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/net/ClientPattern.hpp"
#include "gateway/util/Result.hpp"

namespace re2 {
class RE2;
}

namespace mailgate {

class RecipientPattern {
  public:
    static Result<RecipientPattern> parse(std::string_view text);
    bool matches(std::string_view recipient) const;
    const std::string& text() const { return text_; }

  private:
    enum class Kind { Domain, LocalPart, Address, Expression };
    std::string text_;
    Kind kind_ = Kind::Domain;
    std::string value_;  // lower case: the domain, the local part or the whole address
    std::shared_ptr<const re2::RE2> expression_;  // RE2: linear time on any input
};

class GreylistWhitelist {
  public:
    // Entries are validated by the loader; one that does not parse is skipped here.
    GreylistWhitelist(const std::vector<std::string>& clients,
                      const std::vector<std::string>& recipients,
                      const std::vector<std::string>& senderDomains);

    // Why this transaction is not greylisted ("client entry example.com"), or "".
    std::string reasonToSkip(const IpAddress& client, std::string_view clientName,
                             std::string_view sender, std::string_view recipient) const;

  private:
    ClientPatternList clients_;
    std::vector<RecipientPattern> recipients_;
    std::vector<std::string> sender_domains_;  // canonical
};

}  // namespace mailgate
