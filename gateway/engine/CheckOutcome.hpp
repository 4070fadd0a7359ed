// CheckOutcome: what one check says about a message or SMTP transaction, in the same
// shape for every check: score symbols, at most one SMTP reply it asks for (a reject,
// or a temporary failure when a dependency it needs did not answer and its policy says
// tempfail), headers to add, and fields for the decision's log line. A check never
// throws across the engine; a dependency failure is a value here, never a silent pass and
// never a reject.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gateway/engine/Symbol.hpp"

namespace mailgate {

struct SmtpReply {
    enum class Kind { Reject, TemporaryFailure };
    Kind kind = Kind::Reject;
    int code = 550;      // 5xx for Reject, 4xx for TemporaryFailure
    std::string status;  // enhanced status code, "5.7.1"
    std::string text;    // human-readable reason, one line
    // A deferral that only applies when nothing later rejects the mail for good (Postfix's
    // DEFER_IF_PERMIT): greylisting must not turn a certain reject into a retry.
    bool unless_rejected = false;

    std::string toString() const { return std::to_string(code) + " " + status + " " + text; }
};

struct HeaderField {
    std::string name;
    std::string value;  // unfolded; the front end folds it when it writes the header
};

struct CheckOutcome {
    std::vector<Symbol> symbols;
    std::optional<SmtpReply> reply;
    std::vector<HeaderField> headers;
    // Set when a dependency failed (DNS timeout, SERVFAIL): says what, for logs and
    // counters, even when the configured policy let the mail go on.
    std::string dependency_failure;
    // key=value fields the check adds to the decision's log line (greylisting's state).
    std::vector<std::pair<std::string, std::string>> log_fields;

    void addSymbol(std::string name, double score, std::string detail) {
        symbols.push_back(Symbol{std::move(name), score, std::move(detail)});
    }
    void addLogField(std::string name, std::string value) {
        log_fields.emplace_back(std::move(name), std::move(value));
    }
    // The value of a log field, "" when there is none.
    std::string logField(std::string_view name) const {
        for (const auto& [key, value] : log_fields) {
            if (key == name) {
                return value;
            }
        }
        return {};
    }
    bool rejects() const { return reply && reply->kind == SmtpReply::Kind::Reject; }
    bool defers() const { return reply && reply->kind == SmtpReply::Kind::TemporaryFailure; }
};

inline SmtpReply rejectReply(std::string status, std::string text, int code = 550) {
    return SmtpReply{SmtpReply::Kind::Reject, code, std::move(status), std::move(text)};
}

inline SmtpReply temporaryFailureReply(std::string status, std::string text, int code = 451) {
    return SmtpReply{SmtpReply::Kind::TemporaryFailure, code, std::move(status), std::move(text)};
}

}  // namespace mailgate
