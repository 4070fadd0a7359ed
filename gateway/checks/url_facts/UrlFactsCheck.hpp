// UrlFactsCheck (C2, docs/uri-lists.md): how a message's links are written, facts of the
// URLs themselves that legitimate senders have no reason for and phishing relies on.
// Symbols: URI_IP_HOST (a link to a bare IP address), URI_NUMERIC_HOST (an IPv4 address
// written as one number or in hex or octal parts, which hides it), URI_USERINFO_HOST (a
// host-like user name before '@', "http://www.bank.example@evil.example/"),
// URI_HOST_ENCODED (host bytes percent-encoded), URI_MIXED_SCRIPTS (a host label mixing
// letters of several scripts: a look-alike of another name). Each at most once per
// message, naming the first URL. Reads only the parsed message (UrlExtractor), asks no
// DNS; scores are placeholders the weight fitter (bench/fit_weights.py) refits.
#pragma once

#include "gateway/engine/CheckRegistry.hpp"
#include "gateway/engine/ContentCheck.hpp"

namespace mailgate {

class UrlFactsCheck final : public MessageCheck {
  public:
    std::string_view name() const override { return "url_facts"; }
    CheckOutcome check(const Message& message) const override;
};

CheckDescriptor urlFactsCheckDescriptor();

}  // namespace mailgate
