// Broken MIME as symbols (see BrokenMimeCheck.hpp).
#include "gateway/checks/broken_mime/BrokenMimeCheck.hpp"

#include <algorithm>
#include <map>

namespace mailgate {
namespace {

struct DefectKind {
    std::string_view code;
    std::string_view symbol;
};

constexpr DefectKind kKinds[] = {
    {"MISSING_BOUNDARY", "MIME_BAD_BOUNDARY"},
    {"MALFORMED_MULTIPART", "MIME_BAD_BOUNDARY"},
    {"MISSING_CLOSE_DELIMITER", "MIME_BAD_BOUNDARY"},
    {"MULTIPART_WITHOUT_PARTS", "MIME_BAD_BOUNDARY"},
    {"REUSED_BOUNDARY", "MIME_BAD_BOUNDARY"},
    {"ENCODED_MESSAGE_PART", "MIME_BAD_TRANSFER_ENCODING"},
    {"BAD_BASE64", "MIME_BAD_TRANSFER_ENCODING"},
    {"BAD_QUOTED_PRINTABLE", "MIME_BAD_TRANSFER_ENCODING"},
    {"UNKNOWN_TRANSFER_ENCODING", "MIME_BAD_TRANSFER_ENCODING"},
    {"INVALID_ENCODED_WORD", "MIME_BAD_ENCODED_WORD"},
    {"UNENCODED_8BIT_HEADER", "MIME_8BIT_HEADER"},
    {"INVALID_HEADER_NAME", "MIME_BROKEN_HEADER"},
    {"CONFLICTING_HEADER", "MIME_BROKEN_HEADER"},
    {"MALFORMED_MESSAGE", "MIME_BROKEN_HEADER"},
    {"NOT_A_MESSAGE", "MIME_BROKEN_HEADER"},
    {"PART_WITHOUT_HEADERS_OR_CONTENT", "MIME_BROKEN_HEADER"},
    {"UNKNOWN_CHARSET", "MIME_BAD_CHARSET"},
    {"BAD_CHARSET_DATA", "MIME_BAD_CHARSET"},
    {"TOO_MANY_PARTS", "MIME_TOO_COMPLEX"},
    {"TOO_DEEP", "MIME_TOO_COMPLEX"},
    {"NESTING_TOO_DEEP", "MIME_TOO_COMPLEX"},
    {"DECODE_LIMIT", "MIME_TOO_COMPLEX"},
    {"INVALID_CONTENT_TYPE", "MIME_BAD_PARAMETER"},
    {"INVALID_PARAMETER", "MIME_BAD_PARAMETER"},
    {"DUPLICATE_PARAMETER", "MIME_BAD_PARAMETER"},
    {"CONFLICTING_PARAMETER", "MIME_BAD_PARAMETER"},
};

}  // namespace

std::string_view BrokenMimeCheck::symbolFor(std::string_view defectCode) {
    for (const auto& kind : kKinds) {
        if (kind.code == defectCode) {
            return kind.symbol;
        }
    }
    return {};
}

double BrokenMimeCheck::scoreFor(std::string_view symbol) const {
    if (symbol == "MIME_BAD_BOUNDARY") {
        return settings_.score_boundary;
    }
    if (symbol == "MIME_BAD_TRANSFER_ENCODING") {
        return settings_.score_transfer_encoding;
    }
    if (symbol == "MIME_BAD_ENCODED_WORD") {
        return settings_.score_encoded_word;
    }
    if (symbol == "MIME_8BIT_HEADER") {
        return settings_.score_8bit_header;
    }
    if (symbol == "MIME_BROKEN_HEADER") {
        return settings_.score_broken_header;
    }
    if (symbol == "MIME_BAD_CHARSET") {
        return settings_.score_charset;
    }
    if (symbol == "MIME_TOO_COMPLEX") {
        return settings_.score_too_complex;
    }
    return settings_.score_parameter;
}

CheckOutcome BrokenMimeCheck::check(const Message& message) const {
    CheckOutcome outcome;
    if (!settings_.enabled) {
        return outcome;
    }
    std::map<std::string_view, std::string> found;  // symbol -> defects, in a stable order
    for (const auto& defect : message.defects) {
        auto symbol = symbolFor(defect.code);
        if (symbol.empty() || (symbol == "MIME_8BIT_HEADER" && message.envelope.smtputf8)) {
            continue;
        }
        auto& detail = found[symbol];
        if (detail.size() < 300) {
            detail += (detail.empty() ? "" : "; ") + defect.code +
                      (defect.detail.empty() ? "" : " " + defect.detail);
        }
    }
    for (auto& [symbol, detail] : found) {
        outcome.addSymbol(std::string(symbol), scoreFor(symbol), std::move(detail));
    }
    return outcome;
}

namespace {

std::vector<std::string> brokenMimeSymbols(const Config&) {
    std::vector<std::string> symbols;
    for (const auto& kind : kKinds) {
        if (std::find(symbols.begin(), symbols.end(), kind.symbol) == symbols.end()) {
            symbols.emplace_back(kind.symbol);
        }
    }
    return symbols;
}

std::unique_ptr<ContentCheck> makeBrokenMimeCheck(const Config& config, const Services&) {
    if (!config.mime_checks.enabled) {
        return nullptr;
    }
    return std::make_unique<BrokenMimeCheck>(config.mime_checks);
}

}  // namespace

CheckDescriptor brokenMimeCheckDescriptor() {
    CheckDescriptor descriptor;
    descriptor.name = "broken_mime";
    descriptor.stage = CheckStage::Content;
    descriptor.phase = CheckPhase::Filter;
    descriptor.config_section = "mime_checks";
    descriptor.symbols = brokenMimeSymbols;
    descriptor.make_content_check = makeBrokenMimeCheck;
    return descriptor;
}

}  // namespace mailgate
