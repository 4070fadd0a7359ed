// Reading quarantine metadata files (see QuarantineMetadata.hpp for the format). The
// reader is strict: an unknown key, a wrong type or a missing field is an error, since a
// file that does not read back as written is damaged (or not ours), and reindex says so.
#include <toml++/toml.h>

#include <exception>
#include <optional>

#include "gateway/config/TomlPosition.hpp"
#include "gateway/quarantine/MetadataText.hpp"
#include "gateway/quarantine/QuarantineMetadata.hpp"

namespace mailgate {
namespace {

// The fields a [[recipient]] table may hold; which must be there depends on the status.
struct RecipientFields {
    std::optional<std::string> address, status, claim_token, by, server_reply;
    std::optional<std::int64_t> claim_expires, time;
};

class MetadataReader {
  public:
    Result<QuarantineEntry> read(std::string_view text) {
        if (text.size() > kMaxQuarantineMetadataBytes) {
            return makeError("the file has " + std::to_string(text.size()) + " bytes, more than " +
                             std::to_string(kMaxQuarantineMetadataBytes));
        }
        toml::table document;
        try {
            document = toml::parse(text);
        } catch (const toml::parse_error& error) {
            return makeError("line " + std::to_string(lineOf(error.source())) + ": " +
                             std::string(error.description()));
        } catch (const std::exception& error) {
            return makeError(std::string("cannot read the file: ") + error.what());
        }
        QuarantineEntry entry;
        if (!readDocument(document, entry)) {
            return makeError(error_);
        }
        if (auto checked = checkQuarantineEntry(entry); !checked) {
            return makeError(checked.error());
        }
        return entry;
    }

  private:
    bool fail(const toml::source_region& where, std::string_view key, std::string_view message) {
        error_ = where.begin.line == 0 ? "" : "line " + std::to_string(lineOf(where)) + ": ";
        error_ += std::string(key) + ": " + std::string(message);
        return false;
    }

    bool text(const toml::node& node, std::string_view key, std::string& out) {
        if (const auto* value = node.as_string()) {
            out = value->get();
            return true;
        }
        const auto* table = node.as_table();
        const toml::node* hex =
            table != nullptr && table->size() == 1 ? table->get("bytes_hex") : nullptr;
        if (hex != nullptr && hex->is_string()) {
            if (auto bytes = hexDecode(hex->as_string()->get())) {
                out = std::move(*bytes);
                return true;
            }
        }
        return fail(node.source(), key, "expected a string or { bytes_hex = \"...\" }");
    }

    bool integer(const toml::node& node, std::string_view key, std::int64_t& out) {
        if (const auto* value = node.as_integer()) {
            out = value->get();
            return true;
        }
        return fail(node.source(), key, "expected an integer");
    }

    bool number(const toml::node& node, std::string_view key, double& out) {
        if (const auto* value = node.as_floating_point()) {
            out = value->get();
        } else if (const auto* whole = node.as_integer()) {
            out = static_cast<double>(whole->get());
        } else {
            return fail(node.source(), key, "expected a number");
        }
        return true;
    }

    std::string* textField(std::string_view key, QuarantineEntry& entry) {
        const std::pair<std::string_view, std::string*> fields[] = {
            {"mailgate_id", &entry.mailgate_id},
            {"queue_id", &entry.queue_id},
            {"node", &entry.node},
            {"envelope_sender", &entry.envelope_sender},
            {"client_address", &entry.client_address},
            {"client_name", &entry.client_name},
            {"helo", &entry.helo},
            {"message_id", &entry.message_id},
            {"subject", &entry.subject},
            {"reason", &entry.reason},
            {"body_sha256", &entry.body_sha256}};
        for (const auto& [name, field] : fields) {
            if (name == key) {
                return field;
            }
        }
        return nullptr;
    }

    bool readDocument(const toml::table& document, QuarantineEntry& entry) {
        std::optional<std::int64_t> format;
        std::optional<std::int64_t> bodySize;
        bool haveId = false;
        bool haveReceived = false;
        for (auto&& [key, node] : document) {
            std::string_view name = key.str();
            bool read = true;
            if (auto* field = textField(name, entry)) {
                read = text(node, name, *field);
                haveId |= name == "mailgate_id";
            } else if (name == "format") {
                read = integer(node, name, format.emplace());
            } else if (name == "received") {
                read = integer(node, name, entry.received);
                haveReceived = true;
            } else if (name == "body_size") {
                read = integer(node, name, bodySize.emplace());
            } else if (name == "score") {
                read = number(node, name, entry.score);
            } else if (name == "symbol") {
                read = eachTable(node, name, [&](const toml::table& table) {
                    return readSymbol(table, entry.symbols.emplace_back());
                });
            } else if (name == "recipient") {
                read = eachTable(node, name, [&](const toml::table& table) {
                    return readRecipient(table, entry.recipients.emplace_back());
                });
            } else {
                read = fail(key.source(), name, "unknown key");
            }
            if (!read) {
                return false;
            }
        }
        if (!format) {
            return fail({}, "format", "missing (not a mailgate quarantine metadata file)");
        }
        if (*format != kQuarantineMetadataFormat) {
            return fail(document.get("format")->source(), "format",
                        "format " + std::to_string(*format) + " is not one this mailgate reads");
        }
        if (bodySize) {
            if (*bodySize < 0) {
                return fail(document.get("body_size")->source(), "body_size", "negative");
            }
            entry.body_size = static_cast<std::uint64_t>(*bodySize);
        }
        if (!haveId || !haveReceived) {
            return fail({}, haveId ? "received" : "mailgate_id", "missing");
        }
        return true;
    }

    template <class ReadTable>
    bool eachTable(const toml::node& node, std::string_view key, ReadTable readTable) {
        const auto* tables = node.as_array();
        if (tables == nullptr) {
            return fail(node.source(), key, "expected [[" + std::string(key) + "]] tables");
        }
        std::size_t limit = key == "symbol" ? kMaxQuarantineSymbols : kMaxQuarantineRecipients;
        if (tables->size() > limit) {
            return fail(node.source(), key, "more than " + std::to_string(limit) + " tables");
        }
        for (const auto& element : *tables) {
            const auto* table = element.as_table();
            if (table == nullptr) {
                return fail(element.source(), key, "expected [[" + std::string(key) + "]] tables");
            }
            if (!readTable(*table)) {
                return false;
            }
        }
        return true;
    }

    bool readSymbol(const toml::table& table, Symbol& symbol) {
        if (table.get("name") == nullptr) {
            return fail(table.source(), "symbol.name", "missing");
        }
        for (auto&& [key, node] : table) {
            std::string_view name = key.str();
            bool read = name == "name"     ? text(node, "symbol.name", symbol.name)
                        : name == "score"  ? number(node, "symbol.score", symbol.score)
                        : name == "detail" ? text(node, "symbol.detail", symbol.detail)
                                           : fail(key.source(), name, "unknown key in [[symbol]]");
            if (!read) {
                return false;
            }
        }
        return true;
    }

    bool readRecipient(const toml::table& table, QuarantineRecipient& recipient) {
        RecipientFields fields;
        for (auto&& [key, node] : table) {
            if (!readRecipientField(key, node, fields)) {
                return false;
            }
        }
        if (!fields.address || !fields.status) {
            return fail(table.source(), fields.address ? "recipient.status" : "recipient.address",
                        "missing");
        }
        recipient.address = *fields.address;
        return recipientStatus(table, fields, recipient.status);
    }

    bool readRecipientField(const toml::key& key, const toml::node& node, RecipientFields& fields) {
        std::string_view name = key.str();
        if (name == "address" || name == "status" || name == "claim_token" || name == "by" ||
            name == "server_reply") {
            auto& field = name == "address"       ? fields.address
                          : name == "status"      ? fields.status
                          : name == "claim_token" ? fields.claim_token
                          : name == "by"          ? fields.by
                                                  : fields.server_reply;
            return text(node, "recipient." + std::string(name), field.emplace());
        }
        if (name == "claim_expires" || name == "time") {
            auto& field = name == "time" ? fields.time : fields.claim_expires;
            return integer(node, "recipient." + std::string(name), field.emplace());
        }
        return fail(key.source(), name, "unknown key in [[recipient]]");
    }

    // The status the fields spell; each status takes exactly its own fields.
    bool recipientStatus(const toml::table& table, const RecipientFields& fields,
                         RecipientStatus& status) {
        const std::string& name = *fields.status;
        bool claim = fields.claim_token || fields.claim_expires;
        bool done = fields.time || fields.by;
        bool ok = false;
        if (name == "quarantined") {
            ok = !claim && !done && !fields.server_reply;
            status = RecipientQuarantined{};
        } else if (name == "releasing") {
            ok = fields.claim_token && fields.claim_expires && !done && !fields.server_reply;
            status = RecipientReleasing{fields.claim_token.value_or(""),
                                        fields.claim_expires.value_or(0)};
        } else if (name == "released") {
            ok = !claim && fields.time && fields.by && fields.server_reply;
            status = RecipientReleased{fields.time.value_or(0), fields.by.value_or(""),
                                       fields.server_reply.value_or("")};
        } else if (name == "deleted") {
            ok = !claim && fields.time && fields.by && !fields.server_reply;
            status = RecipientDeleted{fields.time.value_or(0), fields.by.value_or("")};
        } else {
            return fail(table.source(), "recipient.status", "unknown status \"" + name + "\"");
        }
        return ok || fail(table.source(), "recipient",
                          "status \"" + name +
                              "\" takes exactly its own fields (releasing: claim_token, "
                              "claim_expires; released: time, by, server_reply; deleted: "
                              "time, by)");
    }

    std::string error_;
};

}  // namespace

Result<QuarantineEntry> readQuarantineMetadata(std::string_view text) {
    return MetadataReader().read(text);
}

}  // namespace mailgate
