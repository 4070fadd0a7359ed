// ListEntry: one entry of a white or black list (C4, C5, docs/features.md): a sender or recipient
// address ("alice@example.com"), a domain ("example.com", that domain only), a domain with
// its subdomains ("*.example.com"), or for the global lists a client network
// ("client:192.0.2.0/24"). Global entries carry their direction: "from:", "to:" or
// "client:"; personal entries are always about the sender. Compared case-insensitively.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "gateway/net/IpAddress.hpp"
#include "gateway/util/Result.hpp"

namespace mailgate {

enum class ListDirection { From, To, Client };

class ListEntry {
  public:
    // "from:alice@example.com", "to:*.example.org", "client:192.0.2.0/24".
    static Result<ListEntry> parseDirected(std::string_view text);
    // An address or domain entry, without direction (personal lists: about the sender).
    static Result<ListEntry> parseAddress(std::string_view text, ListDirection direction);

    ListDirection direction() const { return direction_; }
    bool matchesAddress(std::string_view address) const;
    bool matchesClient(const IpAddress& client) const;
    const std::string& text() const { return text_; }

  private:
    enum class Kind { Address, Domain, DomainAndSubdomains, Network };
    ListDirection direction_ = ListDirection::From;
    Kind kind_ = Kind::Address;
    std::string value_;  // lower case address or domain
    std::optional<IpNetwork> network_;
    std::string text_;
};

}  // namespace mailgate
