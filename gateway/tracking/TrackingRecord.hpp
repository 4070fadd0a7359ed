// TrackingRecord: one line of a message's story for `mailgatectl track` (E2): what one
// stage decided (the policy daemon at RCPT, the milter at end of message, a quarantine
// operation), about whom, and why. It also encodes a record into the one text value Redis
// stores ("name=value" lines, one allocation: the policy daemon writes one per RCPT) and
// decodes it back, refusing malformed input with an error value, and names the index
// entries a record is found by. Plain data and pure functions: it never talks to Redis
// (TrackingStore does) and never decides anything about mail.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gateway/engine/Symbol.hpp"
#include "gateway/util/Result.hpp"

namespace mailgate {

enum class TrackingStage { Policy, Content, Quarantine };

// What happened: at the policy stage to one RCPT (accepted, rejected, deferred,
// greylisted), at the content stage to the message and to each recipient's copy, in the
// quarantine to a held copy (released, release_failed, deleted).
enum class TrackingAction {
    Accepted,
    Rejected,
    Deferred,
    Greylisted,
    Delivered,
    Tagged,
    Deleted,
    Quarantined,
    Redirected,
    Released,
    ReleaseFailed,
};

const char* trackingStageName(TrackingStage stage);
const char* trackingActionName(TrackingAction action);
std::optional<TrackingStage> trackingStageNamed(std::string_view name);
std::optional<TrackingAction> trackingActionNamed(std::string_view name);

struct TrackedRecipient {
    std::string address;
    TrackingAction action = TrackingAction::Accepted;
};

struct TrackingRecord {
    std::int64_t time_ms = 0;  // when the decision was made, Unix milliseconds
    std::string node;          // the gateway host that made it
    TrackingStage stage = TrackingStage::Policy;
    std::string
        protocol_state;       // policy: Postfix's protocol_state (RCPT); quarantine: the operation
    std::string queue_id;     // "" when the MTA had none yet (a refused RCPT)
    std::string mailgate_id;  // the milter's X-Mailgate-Id
    std::string message_id;   // the Message-ID header, without its angle brackets
    std::string client_address;
    std::string client_name;
    std::string helo;
    std::string sender;                                // "" for the null sender
    std::vector<TrackedRecipient> recipients;          // each with what happened to its copy
    TrackingAction action = TrackingAction::Accepted;  // the request's or the message's
    std::string reply;                                 // the SMTP reply given or received
    std::string reason;                                // why, in words
    std::string check;                                 // the check whose reply it was
    std::optional<double> score;                       // the content stage's
    std::optional<double> required;
    std::string symbols;  // a short list "NAME(score),...", see trackingSymbolList
    std::string actor;    // who did it: the quarantine operation's user
};

using TrackingFields = std::vector<std::pair<std::string, std::string>>;

// The text Redis stores: "v=1" then one "name=value" line per field, empty fields left
// out, "\\" and "\n" escaped in values; every value is cut to a bound so one record
// stays small whatever a client sent.
std::string encodeTrackingRecord(const TrackingRecord& record);
// The record back from that text; an unknown version, a line without "=", a bad escape,
// a missing or unreadable time, stage or action is an error (the caller skips that
// record and says so). Unknown fields are ignored, so a newer writer's extra fields do
// not break an older reader.
Result<TrackingRecord> decodeTrackingRecord(std::string_view text);
// The two steps of decoding, and the way back, for tests of malformed records.
Result<TrackingFields> splitTrackingFields(std::string_view text);
std::string joinTrackingFields(const TrackingFields& fields);
Result<TrackingRecord> decodeTrackingFields(const TrackingFields& fields);

// The index entries a record is found by: "q:" queue ID, "m:" mailgate ID, "i:"
// Message-ID. Senders and recipients are not indexed: the policy daemon writes a record
// per RCPT, and two index writes per record would cost the greylisting benchmark
// about a tenth of its throughput (docs/PERFORMANCE.md); queries by address read the
// records in their time range instead.
std::vector<std::string> trackingIndexNames(const TrackingRecord& record);
// One of those names, for a query ("q", "ABC123" -> "q:ABC123").
std::string trackingIndexName(char kind, std::string_view value);
// A Message-ID as records keep it: blanks and angle brackets around it removed.
std::string normalizedMessageId(std::string_view text);
// The first symbols, "NAME(score),...", cut to a short bound for the record.
std::string trackingSymbolList(const std::vector<Symbol>& symbols);
// Milliseconds since the Unix epoch, now.
std::int64_t trackingNowMs();

}  // namespace mailgate
