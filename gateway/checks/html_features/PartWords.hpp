// PartWords: the words two alternative parts of a message share, to tell an HTML part
// and its plain-text alternative that say the same thing from two that do not (a hash
// buster in one, the offer in the other). Words are runs of letters and digits (Latin,
// Greek, Cyrillic; ASCII lower-cased), three characters or more, distinct, bounded.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_set>

namespace mailgate {

using WordSet = std::unordered_set<std::string>;

// The distinct words of a text, at most `maxWords` (the first ones).
WordSet distinctWords(std::string_view text, std::size_t maxWords);
// The share of the smaller set's words that the other set has too (1 when one is empty).
double sharedWordShare(const WordSet& first, const WordSet& second);

}  // namespace mailgate
