// Header syntax of a message (see HeaderSyntaxCheck.hpp).
#include "gateway/checks/header_syntax/HeaderSyntaxCheck.hpp"

#include <cctype>

#include "gateway/mime/AddressList.hpp"

namespace mailgate {
namespace {

struct AddressField {
    const char* name;
    const char* symbol;
    AddressSyntax syntax;
};

constexpr AddressField kAddressFields[] = {
    {"From", "HEADER_FROM_INVALID", AddressSyntax::MailboxList},
    {"Sender", "HEADER_SENDER_INVALID", AddressSyntax::Mailbox},
    {"Reply-To", "HEADER_REPLY_TO_INVALID", AddressSyntax::AddressList},
    {"To", "HEADER_TO_INVALID", AddressSyntax::AddressList},
    {"Cc", "HEADER_CC_INVALID", AddressSyntax::AddressList},
    {"Bcc", "HEADER_BCC_INVALID", AddressSyntax::OptionalAddressList},
};

// RFC 5322 section 3.6: at most one of each (From and Date are checked on their own).
constexpr const char* kOnce[] = {"Sender",     "Reply-To",    "To",         "Cc",     "Bcc",
                                 "Message-ID", "In-Reply-To", "References", "Subject"};

std::string symbolName(std::string_view header) {
    std::string name = "DUPLICATE_";
    for (char c : header) {
        name += c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    return name;
}

// The field's value as one line, for the parser: folding is not part of the syntax.
std::string unfolded(const std::string& raw) {
    std::string out;
    for (char c : raw) {
        if (c != '\r' && c != '\n') {
            out += c;
        }
    }
    return out;
}

std::string shown(const std::string& text) {
    return text.size() > 120 ? text.substr(0, 120) + "..." : text;
}

}  // namespace

void HeaderSyntaxCheck::finding(CheckOutcome& outcome, std::string symbol, double score,
                                std::string detail, bool rejects) const {
    if (rejects && settings_.action == ClientCheckAction::Reject && !outcome.reply) {
        outcome.reply = rejectReply("5.7.1", "Message rejected: " + detail);
    }
    outcome.addSymbol(std::move(symbol), score, std::move(detail));
}

void HeaderSyntaxCheck::checkAddresses(const Message& message, CheckOutcome& outcome) const {
    for (const auto& field : kAddressFields) {
        for (const auto* header : message.headersNamed(field.name)) {
            auto parsed = parseAddresses(unfolded(header->raw_value), field.syntax);
            if (!parsed) {
                finding(outcome, field.symbol, settings_.score_invalid_address,
                        std::string(field.name) + " header does not parse (" + parsed.error() +
                            "): " + shown(header->raw_value),
                        true);
                break;  // one symbol per field name
            }
        }
    }
}

void HeaderSyntaxCheck::checkPresence(const Message& message, CheckOutcome& outcome) const {
    auto from = message.headersNamed("From").size();
    if (from == 0) {
        finding(outcome, "MISSING_FROM", settings_.score_missing_from, "no From header", true);
    } else if (from > 1) {
        finding(outcome, "DUPLICATE_FROM", settings_.score_duplicate_from,
                std::to_string(from) + " From headers", true);
    }
    auto date = message.headersNamed("Date").size();
    if (date == 0) {
        finding(outcome, "MISSING_DATE", settings_.score_missing_date, "no Date header", false);
    } else if (date > 1) {
        finding(outcome, "DUPLICATE_DATE", settings_.score_duplicate_header,
                std::to_string(date) + " Date headers", false);
    }
    if (!message.firstHeader("Message-ID")) {
        finding(outcome, "MISSING_MESSAGE_ID", settings_.score_missing_message_id,
                "no Message-ID header", false);
    }
    for (const char* name : kOnce) {
        auto count = message.headersNamed(name).size();
        if (count > 1) {
            finding(outcome, symbolName(name), settings_.score_duplicate_header,
                    std::to_string(count) + " " + name + " headers", false);
        }
    }
}

CheckOutcome HeaderSyntaxCheck::check(const Message& message) const {
    CheckOutcome outcome;
    if (settings_.action == ClientCheckAction::Off) {
        return outcome;
    }
    checkAddresses(message, outcome);
    checkPresence(message, outcome);
    return outcome;
}

namespace {

std::vector<std::string> headerSyntaxSymbols(const Config&) {
    std::vector<std::string> symbols = {"MISSING_FROM", "DUPLICATE_FROM", "MISSING_DATE",
                                        "DUPLICATE_DATE", "MISSING_MESSAGE_ID"};
    for (const auto& field : kAddressFields) {
        symbols.emplace_back(field.symbol);
    }
    for (const char* name : kOnce) {
        symbols.push_back(symbolName(name));
    }
    return symbols;
}

std::unique_ptr<ContentCheck> makeHeaderSyntaxCheck(const Config& config, const Services&) {
    if (config.header_checks.action == ClientCheckAction::Off) {
        return nullptr;
    }
    return std::make_unique<HeaderSyntaxCheck>(config.header_checks);
}

}  // namespace

CheckDescriptor headerSyntaxCheckDescriptor() {
    CheckDescriptor descriptor;
    descriptor.name = "header_syntax";
    descriptor.stage = CheckStage::Content;
    descriptor.phase = CheckPhase::Filter;
    descriptor.config_section = "header_checks";
    descriptor.symbols = headerSyntaxSymbols;
    descriptor.make_content_check = makeHeaderSyntaxCheck;
    return descriptor;
}

}  // namespace mailgate
