// Tracking records as Redis fields and back (see TrackingRecord.hpp).
#include "gateway/tracking/TrackingRecord.hpp"

#include <array>
#include <charconv>
#include <chrono>
#include <cstdio>

namespace mailgate {
namespace {

constexpr std::string_view kVersion = "1";
constexpr std::size_t kMaxValueBytes = 512;  // a HELO or an address a client made up
constexpr std::size_t kMaxRecipients = 100;  // beyond it, the rest are counted, not listed
constexpr std::size_t kMaxSymbols = 12;
constexpr std::size_t kMaxSymbolBytes = 400;

constexpr std::array<const char*, 3> kStageNames = {"policy", "content", "quarantine"};
constexpr std::array<const char*, 11> kActionNames = {
    "accepted", "rejected",    "deferred",   "greylisted", "delivered",     "tagged",
    "deleted",  "quarantined", "redirected", "released",   "release_failed"};

std::string bounded(std::string_view value) {
    return std::string(value.substr(0, kMaxValueBytes));
}

std::string formatNumber(double number) {
    char text[40];
    std::snprintf(text, sizeof text, "%.2f", number);
    return text;
}

std::optional<double> parseNumber(std::string_view text) {
    double number = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
    if (error != std::errc() || end != text.data() + text.size()) {
        return std::nullopt;
    }
    return number;
}

// One recipient per line, "ACTION ADDRESS": an action has no blank and an address no
// line break (SMTP forbids control characters in it).
std::string encodeRecipients(const std::vector<TrackedRecipient>& recipients) {
    std::string text;
    std::size_t listed = 0;
    for (const auto& recipient : recipients) {
        if (listed++ == kMaxRecipients) {
            break;
        }
        std::string address = bounded(recipient.address);
        for (char& c : address) {
            c = (c == '\n' || c == '\r') ? ' ' : c;
        }
        text += (text.empty() ? "" : "\n") + std::string(trackingActionName(recipient.action)) +
                " " + address;
    }
    return text;
}

Result<std::vector<TrackedRecipient>> decodeRecipients(std::string_view text) {
    std::vector<TrackedRecipient> recipients;
    while (!text.empty()) {
        auto end = text.find('\n');
        std::string_view line = text.substr(0, end);
        text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
        auto blank = line.find(' ');
        auto action = trackingActionNamed(line.substr(0, blank));
        if (blank == std::string_view::npos || !action) {
            return makeError("unreadable recipient line \"" + std::string(line.substr(0, 80)) +
                             "\"");
        }
        recipients.push_back(TrackedRecipient{std::string(line.substr(blank + 1)), *action});
    }
    return recipients;
}

void appendEscaped(std::string& text, std::string_view value) {
    for (char c : value) {
        if (c == '\\') {
            text += "\\\\";
        } else if (c == '\n') {
            text += "\\n";
        } else {
            text += c;
        }
    }
}

// Appends "\nname=value" with the value cut to its bound and escaped; nothing when empty.
void appendField(std::string& text, std::string_view name, std::string_view value,
                 std::size_t bound = kMaxValueBytes) {
    if (value.empty()) {
        return;
    }
    text += '\n';
    text += name;
    text += '=';
    appendEscaped(text, value.substr(0, bound));
}

Result<std::string> unescaped(std::string_view value) {
    std::string text;
    text.reserve(value.size());
    for (std::size_t i = 0; i < value.size(); ++i) {
        if (value[i] != '\\') {
            text += value[i];
            continue;
        }
        if (i + 1 == value.size() || (value[i + 1] != '\\' && value[i + 1] != 'n')) {
            return makeError("bad escape in a value");
        }
        text += value[++i] == 'n' ? '\n' : '\\';
    }
    return text;
}

}  // namespace

const char* trackingStageName(TrackingStage stage) {
    return kStageNames[static_cast<std::size_t>(stage)];
}

const char* trackingActionName(TrackingAction action) {
    return kActionNames[static_cast<std::size_t>(action)];
}

std::optional<TrackingStage> trackingStageNamed(std::string_view name) {
    for (std::size_t i = 0; i < kStageNames.size(); ++i) {
        if (name == kStageNames[i]) {
            return static_cast<TrackingStage>(i);
        }
    }
    return std::nullopt;
}

std::optional<TrackingAction> trackingActionNamed(std::string_view name) {
    for (std::size_t i = 0; i < kActionNames.size(); ++i) {
        if (name == kActionNames[i]) {
            return static_cast<TrackingAction>(i);
        }
    }
    return std::nullopt;
}

std::string encodeTrackingRecord(const TrackingRecord& record) {
    std::string text;
    text.reserve(320);
    text += "v=";
    text += kVersion;
    appendField(text, "time", std::to_string(record.time_ms));
    appendField(text, "stage", trackingStageName(record.stage));
    appendField(text, "action", trackingActionName(record.action));
    appendField(text, "node", record.node);
    appendField(text, "state", record.protocol_state);
    appendField(text, "queue_id", record.queue_id);
    appendField(text, "mailgate_id", record.mailgate_id);
    appendField(text, "message_id", record.message_id);
    appendField(text, "client_address", record.client_address);
    appendField(text, "client_name", record.client_name);
    appendField(text, "helo", record.helo);
    appendField(text, "sender", record.sender);
    if (!record.recipients.empty()) {
        appendField(text, "recipients", encodeRecipients(record.recipients), std::string::npos);
    }
    if (record.recipients.size() > kMaxRecipients) {
        appendField(text, "recipients_not_listed",
                    std::to_string(record.recipients.size() - kMaxRecipients));
    }
    appendField(text, "reply", record.reply);
    appendField(text, "reason", record.reason);
    appendField(text, "check", record.check);
    if (record.score) {
        appendField(text, "score", formatNumber(*record.score));
    }
    if (record.required) {
        appendField(text, "required", formatNumber(*record.required));
    }
    appendField(text, "symbols", record.symbols);
    appendField(text, "actor", record.actor);
    return text;
}

Result<TrackingFields> splitTrackingFields(std::string_view text) {
    TrackingFields fields;
    while (!text.empty()) {
        auto end = text.find('\n');
        std::string_view line = text.substr(0, end);
        text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
        auto equals = line.find('=');
        if (equals == std::string_view::npos || equals == 0) {
            return makeError("a line without a field name");
        }
        auto value = unescaped(line.substr(equals + 1));
        if (!value) {
            return makeError(value.error());
        }
        fields.emplace_back(std::string(line.substr(0, equals)), std::move(*value));
    }
    return fields;
}

std::string joinTrackingFields(const TrackingFields& fields) {
    std::string text;
    for (const auto& [name, value] : fields) {
        if (!text.empty()) {
            text += '\n';
        }
        text += name;
        text += '=';
        appendEscaped(text, value);
    }
    return text;
}

Result<TrackingRecord> decodeTrackingRecord(std::string_view text) {
    auto fields = splitTrackingFields(text);
    if (!fields) {
        return makeError(fields.error());
    }
    return decodeTrackingFields(*fields);
}

Result<TrackingRecord> decodeTrackingFields(const TrackingFields& fields) {
    TrackingRecord record;
    bool versionSeen = false, timeSeen = false, stageSeen = false, actionSeen = false;
    for (const auto& [name, value] : fields) {
        if (name == "v") {
            if (value != kVersion) {
                return makeError("unknown record version \"" + bounded(value) + "\"");
            }
            versionSeen = true;
        } else if (name == "time") {
            auto [end, error] =
                std::from_chars(value.data(), value.data() + value.size(), record.time_ms);
            if (error != std::errc() || end != value.data() + value.size()) {
                return makeError("unreadable time \"" + bounded(value) + "\"");
            }
            timeSeen = true;
        } else if (name == "stage") {
            auto stage = trackingStageNamed(value);
            if (!stage) {
                return makeError("unknown stage \"" + bounded(value) + "\"");
            }
            record.stage = *stage;
            stageSeen = true;
        } else if (name == "action") {
            auto action = trackingActionNamed(value);
            if (!action) {
                return makeError("unknown action \"" + bounded(value) + "\"");
            }
            record.action = *action;
            actionSeen = true;
        } else if (name == "recipients") {
            auto recipients = decodeRecipients(value);
            if (!recipients) {
                return makeError(recipients.error());
            }
            record.recipients = std::move(*recipients);
        } else if (name == "score" || name == "required") {
            auto number = parseNumber(value);
            if (!number) {
                return makeError("unreadable " + name + " \"" + bounded(value) + "\"");
            }
            (name == "score" ? record.score : record.required) = number;
        } else {
            std::string* text = name == "node"             ? &record.node
                                : name == "state"          ? &record.protocol_state
                                : name == "queue_id"       ? &record.queue_id
                                : name == "mailgate_id"    ? &record.mailgate_id
                                : name == "message_id"     ? &record.message_id
                                : name == "client_address" ? &record.client_address
                                : name == "client_name"    ? &record.client_name
                                : name == "helo"           ? &record.helo
                                : name == "sender"         ? &record.sender
                                : name == "reply"          ? &record.reply
                                : name == "reason"         ? &record.reason
                                : name == "check"          ? &record.check
                                : name == "symbols"        ? &record.symbols
                                : name == "actor"          ? &record.actor
                                                           : nullptr;
            if (text != nullptr) {
                *text = value;
            }
        }
    }
    if (!versionSeen || !timeSeen || !stageSeen || !actionSeen) {
        return makeError("missing version, time, stage or action");
    }
    return record;
}

std::string trackingIndexName(char kind, std::string_view value) {
    std::string name(1, kind);
    name += ':';
    name += value.substr(0, kMaxValueBytes);
    for (char& c : name) {
        c = c == '\n' ? ' ' : c;  // the store's list of names is one per line
    }
    return name;
}

std::vector<std::string> trackingIndexNames(const TrackingRecord& record) {
    std::vector<std::string> names;
    auto add = [&names](char kind, std::string_view value) {
        if (value.empty()) {
            return;
        }
        std::string name = trackingIndexName(kind, value);
        for (const auto& existing : names) {
            if (existing == name) {
                return;
            }
        }
        names.push_back(std::move(name));
    };
    add('q', record.queue_id);
    add('m', record.mailgate_id);
    add('i', record.message_id);
    return names;
}

std::string normalizedMessageId(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t' || text.front() == '<')) {
        text.remove_prefix(1);
    }
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '>' ||
                             text.back() == '\r' || text.back() == '\n')) {
        text.remove_suffix(1);
    }
    return std::string(text);
}

std::string trackingSymbolList(const std::vector<Symbol>& symbols) {
    std::string text;
    char score[32];
    std::size_t listed = 0;
    for (const auto& symbol : symbols) {
        std::snprintf(score, sizeof score, "%g", symbol.score);
        std::string item = symbol.name + "(" + score + ")";
        if (listed == kMaxSymbols || text.size() + item.size() + 1 > kMaxSymbolBytes) {
            text += ",...";
            break;
        }
        text += (text.empty() ? "" : ",") + item;
        ++listed;
    }
    return text;
}

std::int64_t trackingNowMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

}  // namespace mailgate
