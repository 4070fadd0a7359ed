// SpfResult: the outcome of one RFC 7208 check_host() evaluation: the result keyword,
// the reason a postmaster reads in logs, the mechanism that matched, and for "fail" the
// explanation (the domain's exp= text or our default). It computes nothing.
#pragma once

#include <string>
#include <string_view>

namespace mailgate {

enum class SpfResultCode { None, Neutral, Pass, Fail, Softfail, Temperror, Permerror };

struct SpfResult {
    SpfResultCode code = SpfResultCode::None;
    std::string reason;       // why, in one line ("matched ip4:192.0.2.0/24", the syntax error)
    std::string mechanism;    // the matching mechanism as written, "" when none matched
    std::string domain;       // the domain whose record gave the result
    std::string explanation;  // "fail" only: what the sender is told
};

// "pass", "fail", ... as RFC 7208 spells them.
inline std::string_view spfResultName(SpfResultCode code) {
    switch (code) {
        case SpfResultCode::None:
            return "none";
        case SpfResultCode::Neutral:
            return "neutral";
        case SpfResultCode::Pass:
            return "pass";
        case SpfResultCode::Fail:
            return "fail";
        case SpfResultCode::Softfail:
            return "softfail";
        case SpfResultCode::Temperror:
            return "temperror";
        case SpfResultCode::Permerror:
            return "permerror";
    }
    return "none";
}

}  // namespace mailgate
