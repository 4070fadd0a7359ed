// Writing quarantine metadata files, and the checks the reader shares (see
// QuarantineMetadata.hpp for the format).
#include <cmath>
#include <cstdint>

#include "gateway/message/MailgateId.hpp"
#include "gateway/quarantine/MetadataText.hpp"
#include "gateway/quarantine/QuarantineMetadata.hpp"

namespace mailgate {
namespace {

template <class... Handlers>
struct Overloaded : Handlers... {
    using Handlers::operator()...;
};
template <class... Handlers>
Overloaded(Handlers...) -> Overloaded<Handlers...>;  // clang 14 does not deduce it alone

// Collects the first bound an entry breaks.
class EntryCheck {
  public:
    void length(std::string_view field, std::string_view value, std::size_t limit) {
        require(value.size() <= limit, field,
                std::to_string(value.size()) + " bytes, more than " + std::to_string(limit));
    }
    void time(std::string_view field, std::int64_t value) {
        require(value >= 0, field, "a time before 1970");
    }
    void finite(std::string_view field, double value) {
        require(std::isfinite(value), field, "not a finite number");
    }
    void require(bool holds, std::string_view field, std::string_view message) {
        if (!holds && error_.empty()) {
            error_ = std::string(field) + ": " + std::string(message);
        }
    }
    Result<void> result() const {
        return error_.empty() ? Result<void>() : Result<void>(makeError(error_));
    }

  private:
    std::string error_;
};

bool isDigestHex(std::string_view text) {
    return text.size() == 64 &&
           text.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

void checkHeader(const QuarantineEntry& entry, EntryCheck& check) {
    check.require(millisecondsOfMailgateId(entry.mailgate_id).has_value(), "mailgate_id",
                  "not a mailgate ID");
    check.length("queue_id", entry.queue_id, kMaxQuarantineNameBytes);
    check.length("node", entry.node, kMaxQuarantineNameBytes);
    check.length("client_address", entry.client_address, kMaxQuarantineNameBytes);
    check.length("envelope_sender", entry.envelope_sender, kMaxQuarantineAddressBytes);
    check.length("client_name", entry.client_name, kMaxQuarantineTextBytes);
    check.length("helo", entry.helo, kMaxQuarantineTextBytes);
    check.length("message_id", entry.message_id, kMaxQuarantineTextBytes);
    check.length("subject", entry.subject, kMaxQuarantineTextBytes);
    check.length("reason", entry.reason, kMaxQuarantineTextBytes);
    check.time("received", entry.received);
    check.finite("score", entry.score);
    check.require(entry.body_size <= static_cast<std::uint64_t>(INT64_MAX), "body_size",
                  "too large");
    check.require(entry.body_sha256.empty() || isDigestHex(entry.body_sha256), "body_sha256",
                  "not 64 lower-case hex digits");
}

void checkStatus(const RecipientStatus& status, EntryCheck& check) {
    std::visit(Overloaded{[](const RecipientQuarantined&) {},
                          [&](const RecipientReleasing& releasing) {
                              check.length("recipient.claim_token", releasing.claim_token,
                                           kMaxQuarantineNameBytes);
                              check.time("recipient.claim_expires", releasing.claim_expires);
                          },
                          [&](const RecipientReleased& released) {
                              check.length("recipient.by", released.by, kMaxQuarantineNameBytes);
                              check.length("recipient.server_reply", released.server_reply,
                                           kMaxQuarantineDetailBytes);
                              check.time("recipient.time", released.time);
                          },
                          [&](const RecipientDeleted& deleted) {
                              check.length("recipient.by", deleted.by, kMaxQuarantineNameBytes);
                              check.time("recipient.time", deleted.time);
                          }},
               status);
}

// The entry with its free text cut to the bounds (a long Subject must not stop the
// message from being quarantined; the message file keeps the whole of it).
QuarantineEntry shortened(QuarantineEntry entry) {
    for (std::string* text :
         {&entry.client_name, &entry.helo, &entry.message_id, &entry.subject, &entry.reason}) {
        *text = std::string(truncateText(*text, kMaxQuarantineTextBytes));
    }
    for (auto& symbol : entry.symbols) {
        symbol.detail = std::string(truncateText(symbol.detail, kMaxQuarantineDetailBytes));
    }
    for (auto& recipient : entry.recipients) {
        if (auto* released = std::get_if<RecipientReleased>(&recipient.status)) {
            released->server_reply =
                std::string(truncateText(released->server_reply, kMaxQuarantineDetailBytes));
        }
    }
    return entry;
}

void appendStatus(std::string& out, const RecipientStatus& status) {
    appendTextLine(out, "status", recipientStatusName(status));
    std::visit(Overloaded{[](const RecipientQuarantined&) {},
                          [&](const RecipientReleasing& releasing) {
                              appendTextLine(out, "claim_token", releasing.claim_token);
                              appendIntegerLine(out, "claim_expires", releasing.claim_expires);
                          },
                          [&](const RecipientReleased& released) {
                              appendIntegerLine(out, "time", released.time);
                              appendTextLine(out, "by", released.by);
                              appendTextLine(out, "server_reply", released.server_reply);
                          },
                          [&](const RecipientDeleted& deleted) {
                              appendIntegerLine(out, "time", deleted.time);
                              appendTextLine(out, "by", deleted.by);
                          }},
               status);
}

std::string formatEntry(const QuarantineEntry& entry) {
    std::string out = "# mailgate quarantine metadata; the message is the .eml file beside it\n";
    appendIntegerLine(out, "format", kQuarantineMetadataFormat);
    appendTextLine(out, "mailgate_id", entry.mailgate_id);
    appendTextLine(out, "queue_id", entry.queue_id);
    appendTextLine(out, "node", entry.node);
    appendIntegerLine(out, "received", entry.received);
    appendTextLine(out, "envelope_sender", entry.envelope_sender);
    appendTextLine(out, "client_address", entry.client_address);
    appendTextLine(out, "client_name", entry.client_name);
    appendTextLine(out, "helo", entry.helo);
    appendTextLine(out, "message_id", entry.message_id);
    appendTextLine(out, "subject", entry.subject);
    appendNumberLine(out, "score", entry.score);
    appendTextLine(out, "reason", entry.reason);
    appendIntegerLine(out, "body_size", static_cast<std::int64_t>(entry.body_size));
    appendTextLine(out, "body_sha256", entry.body_sha256);
    for (const auto& symbol : entry.symbols) {
        out += "\n[[symbol]]\n";
        appendTextLine(out, "name", symbol.name);
        appendNumberLine(out, "score", symbol.score);
        appendTextLine(out, "detail", symbol.detail);
    }
    for (const auto& recipient : entry.recipients) {
        out += "\n[[recipient]]\n";
        appendTextLine(out, "address", recipient.address);
        appendStatus(out, recipient.status);
    }
    return out;
}

}  // namespace

std::string_view recipientStatusName(const RecipientStatus& status) {
    static constexpr std::string_view kNames[] = {"quarantined", "releasing", "released",
                                                  "deleted"};
    return kNames[status.index()];
}

Result<void> checkQuarantineEntry(const QuarantineEntry& entry) {
    EntryCheck check;
    checkHeader(entry, check);
    check.require(entry.symbols.size() <= kMaxQuarantineSymbols, "symbol",
                  "more than " + std::to_string(kMaxQuarantineSymbols) + " symbols");
    for (const auto& symbol : entry.symbols) {
        check.length("symbol.name", symbol.name, kMaxQuarantineNameBytes);
        check.finite("symbol.score", symbol.score);
        check.length("symbol.detail", symbol.detail, kMaxQuarantineDetailBytes);
    }
    check.require(!entry.recipients.empty(), "recipient", "the entry has no recipient");
    check.require(entry.recipients.size() <= kMaxQuarantineRecipients, "recipient",
                  "more than " + std::to_string(kMaxQuarantineRecipients) + " recipients");
    for (const auto& recipient : entry.recipients) {
        check.require(!recipient.address.empty(), "recipient.address", "empty");
        check.length("recipient.address", recipient.address, kMaxQuarantineAddressBytes);
        checkStatus(recipient.status, check);
    }
    return check.result();
}

Result<std::string> writeQuarantineMetadata(const QuarantineEntry& entry) {
    auto written = shortened(entry);
    if (auto checked = checkQuarantineEntry(written); !checked) {
        return makeError(checked.error());
    }
    auto text = formatEntry(written);
    if (text.size() > kMaxQuarantineMetadataBytes) {
        return makeError("the metadata would take " + std::to_string(text.size()) +
                         " bytes, more than " + std::to_string(kMaxQuarantineMetadataBytes));
    }
    return text;
}

}  // namespace mailgate
