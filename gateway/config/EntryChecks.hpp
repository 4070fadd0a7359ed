// Checks of single list entries, shared by the settings that hold such lists and by the
// entry files those settings name (ConfigLoader reads the files): client patterns,
// greylisting recipient patterns, mail addresses. Each returns a message when the entry
// is bad, nothing when it is good. Defined beside the settings that use them.
#pragma once

#include <optional>
#include <string>

namespace mailgate {

std::optional<std::string> checkClientPatternEntry(const std::string& text);
std::optional<std::string> checkRecipientPatternEntry(const std::string& text);
std::optional<std::string> checkMailAddressEntry(const std::string& text);

}  // namespace mailgate
