// The SPF macro language (RFC 7208 section 7): syntax checks of macro-strings,
// domain-specs and explain-strings, and their expansion for one check_host() call.
// Expansion needs no DNS: the evaluator looks up the validated client name (%{p}) first
// when usesValidatedName() says the text needs it. Errors are values; an error means the
// record is malformed (permerror), or for an explanation that the default is used.
#pragma once

#include <ctime>
#include <string>
#include <string_view>

#include "gateway/net/IpAddress.hpp"
#include "gateway/util/Result.hpp"

namespace mailgate {

struct SpfMacroContext {
    std::string sender;          // %{s}: local-part@domain
    std::string local_part;      // %{l}
    std::string sender_domain;   // %{o}
    std::string domain;          // %{d}: the domain whose record is being evaluated
    IpAddress client;            // %{i}, %{c}, %{v}
    std::string helo;            // %{h}
    std::string validated_name;  // %{p}, "unknown" when none could be validated
    std::string receiver;        // %{r}, explanations only
    std::time_t now = 0;         // %{t}, explanations only
};

enum class SpfMacroUse { DomainSpec, Explanation, ModifierValue };

// Syntax only. DomainSpec also requires RFC 7208's domain-end (a final non-numeric
// label, or a macro); Explanation allows spaces and the c, r, t letters.
Result<void> checkSpfMacroText(std::string_view text, SpfMacroUse use);
// True when expanding `text` needs the validated client name (%{p}).
bool usesValidatedName(std::string_view text);
// Expands `text`; for a DomainSpec, a result longer than 253 bytes loses labels from the
// left until it fits (RFC 7208 7.3).
Result<std::string> expandSpfMacroText(std::string_view text, SpfMacroUse use,
                                       const SpfMacroContext& context);

}  // namespace mailgate
