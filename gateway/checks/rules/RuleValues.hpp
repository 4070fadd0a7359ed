// RuleValues: what a rule's item reads from a message (C3, docs/features.md), and the pattern text
// a condition compiles to; the one definition the rule engine (RuleSet) and its benchmark
// peer share. Address items give each address and each decoded display name, header
// items each field's decoded value, body each text part (HTML as text) with "\n" line
// ends and no trailing white space, attach_file_name every file name, mail_from the
// envelope sender unless it is the null sender. No matching here.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/checks/rules/RuleFile.hpp"
#include "gateway/message/Message.hpp"

namespace mailgate {

// The values of `item` (`header`: the field name, lower case, for RuleItem::Header).
// Size and Envelope-To are not values of the message: the engine reads them itself.
std::vector<std::string> ruleItemValues(RuleItem item, std::string_view header,
                                        const Message& message);

// A text part as rules see it: lines end in "\n" whether the message came with CRLF (as
// through the milter) or LF (a file), and trailing white space is gone, so "ends with"
// and "is equal to" mean the text a reader sees.
std::string ruleBodyText(const std::string& text);

// A size condition: the message's bytes in whole KB (rounded down) against `kilobytes`.
bool sizeConditionHolds(RuleCondition condition, std::uint64_t messageBytes,
                        std::uint64_t kilobytes);

// The condition as one RE2 pattern: a literal quoted, "(?i)" unless case_sensitive,
// anchored with \A and \z for is_equal_to, starts_with, ends_with.
std::string rulePatternText(const RuleConditionDefinition& condition);

}  // namespace mailgate
