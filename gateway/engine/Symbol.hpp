// Symbol: one named finding of a check, with the score it contributes and a detail for
// logs and `mailgatectl` output ("DNSBL_SPAMHAUS_ZEN", 3.0, "127.0.0.2"). Checks add
// symbols; the scorer alone turns them into a verdict. Names are upper case with
// underscores, stable across releases, because postmasters write weights for them.
#pragma once

#include <string>

namespace mailgate {

struct Symbol {
    std::string name;
    double score = 0.0;
    std::string detail;
};

// A symbol a check can emit, with its default score (a constant in the check's file).
struct SymbolDefault {
    const char* name;
    double score;
};

}  // namespace mailgate
