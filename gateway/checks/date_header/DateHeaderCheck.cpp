// Whether the Date field is believable (see DateHeaderCheck.hpp).
#include "gateway/checks/date_header/DateHeaderCheck.hpp"

#include <ctime>
#include <string>

#include "gateway/mime/MailDate.hpp"

namespace mailgate {
namespace {

// Scores fitted on the training groups by bench/fit_weights.py (docs/PERFORMANCE.md); the
// fitted weights also ship in the example config's scoring.symbol_weights.
constexpr SymbolDefault kInvalid{"DATE_INVALID", 3.16};
constexpr SymbolDefault kInFuture{"DATE_IN_FUTURE", 2.2};
constexpr SymbolDefault kInPast{"DATE_IN_PAST", 0.0};
constexpr SymbolDefault kBadTimezone{"DATE_BAD_TIMEZONE", 2.37};

constexpr std::int64_t kFutureSlack = 12 * 3600;
constexpr std::int64_t kPastSlack = 4 * 86400;

std::string hours(std::int64_t seconds) {
    return std::to_string(seconds / 3600) + " h";
}

}  // namespace

CheckOutcome DateHeaderCheck::check(const Message& message) const {
    CheckOutcome outcome;
    const auto* header = message.firstHeader("Date");
    if (header == nullptr) {
        return outcome;
    }
    auto date = parseMailDate(header->value);
    if (!date) {
        outcome.addSymbol(kInvalid.name, kInvalid.score,
                          date.error() + " in \"" + header->value.substr(0, 60) + "\"");
        return outcome;
    }
    int zone = date->zone_minutes;
    if (zone > 14 * 60 || zone < -14 * 60 || zone % 15 != 0) {
        outcome.addSymbol(kBadTimezone.name, kBadTimezone.score,
                          "time zone offset of " + std::to_string(zone) + " minutes");
    }
    // Arrival: the receiving server's date, after the last ';' of the topmost Received.
    std::int64_t arrival = 0;
    std::string by = "now";
    const auto* received = message.firstHeader("Received");
    if (received != nullptr) {
        auto semicolon = received->value.rfind(';');
        if (semicolon != std::string::npos) {
            if (auto stamp = parseMailDate(received->value.substr(semicolon + 1))) {
                arrival = stamp->utc_seconds;
                by = "the topmost Received";
            }
        }
    }
    if (by == "now") {
        arrival = now_();
    }
    std::int64_t ahead = date->utc_seconds - arrival;
    if (ahead > kFutureSlack) {
        outcome.addSymbol(kInFuture.name, kInFuture.score,
                          "Date is " + hours(ahead) + " after arrival (" + by + ")");
    } else if (-ahead > kPastSlack) {
        outcome.addSymbol(kInPast.name, kInPast.score,
                          "Date is " + hours(-ahead) + " before arrival (" + by + ")");
    }
    return outcome;
}

namespace {

std::vector<std::string> dateHeaderSymbols(const Config&) {
    return {kInvalid.name, kInFuture.name, kInPast.name, kBadTimezone.name};
}

std::unique_ptr<ContentCheck> makeDateHeaderCheck(const Config& config, const Services&) {
    if (!config.header_forensics.enabled) {
        return nullptr;
    }
    return std::make_unique<DateHeaderCheck>(
        [] { return static_cast<std::int64_t>(std::time(nullptr)); });
}

}  // namespace

CheckDescriptor dateHeaderCheckDescriptor() {
    CheckDescriptor descriptor;
    descriptor.name = "date_header";
    descriptor.stage = CheckStage::Content;
    descriptor.phase = CheckPhase::Filter;
    descriptor.config_section = "header_forensics";
    descriptor.symbols = dateHeaderSymbols;
    descriptor.make_content_check = makeDateHeaderCheck;
    return descriptor;
}

}  // namespace mailgate
