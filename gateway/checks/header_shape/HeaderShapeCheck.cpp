// Standard header fields missing or odd (see HeaderShapeCheck.hpp).
#include "gateway/checks/header_shape/HeaderShapeCheck.hpp"

#include "gateway/mime/AddressList.hpp"
#include "gateway/util/AsciiCase.hpp"

namespace mailgate {
namespace {

// Scores fitted on the training groups by bench/fit_weights.py (docs/PERFORMANCE.md); the
// fitted weights also ship in the example config's scoring.symbol_weights.
constexpr SymbolDefault kMissingTo{"MISSING_TO", 0.0};
constexpr SymbolDefault kToUndisclosed{"TO_UNDISCLOSED", 0.91};
constexpr SymbolDefault kMimeVersionMissing{"MIME_VERSION_MISSING", 0.96};
constexpr SymbolDefault kReceivedBelow{"RECEIVED_BELOW_MESSAGE_FIELDS", 1.0};  // placeholder

// Fields the author's mail client writes; trace fields (Received) are prepended above them
// by each server on the way, so one below them was written by whoever wrote the message.
bool isAuthorField(std::string_view name) {
    for (const char* field : {"From", "To", "Cc", "Subject", "Date", "Message-ID"}) {
        if (equalsIgnoreCase(name, field)) {
            return true;
        }
    }
    return false;
}

}  // namespace

CheckOutcome HeaderShapeCheck::check(const Message& message) const {
    CheckOutcome outcome;
    const auto* to = message.firstHeader("To");
    if (to == nullptr && message.firstHeader("Cc") == nullptr) {
        outcome.addSymbol(kMissingTo.name, kMissingTo.score, "neither To nor Cc");
    } else if (to != nullptr && message.firstHeader("Cc") == nullptr) {
        auto addresses = parseAddresses(to->value, AddressSyntax::AddressList);
        if (addresses && addresses->empty()) {
            outcome.addSymbol(kToUndisclosed.name, kToUndisclosed.score,
                              "To is an empty group: \"" + to->value.substr(0, 60) + "\"");
        }
    }
    // MIME content is what the root part is (the parser reads a multipart body as one even
    // without MIME-Version, as mail clients do).
    if (message.firstHeader("MIME-Version") == nullptr && !message.parts.empty()) {
        const auto& root = message.parts.front();
        if (root.multipart || root.content_type != "text/plain") {
            outcome.addSymbol(kMimeVersionMissing.name, kMimeVersionMissing.score,
                              root.content_type + " without MIME-Version");
        }
    }
    const MessageHeader* authorField = nullptr;
    for (const auto& header : message.headers) {
        if (authorField == nullptr && isAuthorField(header.name)) {
            authorField = &header;
        } else if (authorField != nullptr && equalsIgnoreCase(header.name, "Received")) {
            outcome.addSymbol(kReceivedBelow.name, kReceivedBelow.score,
                              "a Received field below " + authorField->name);
            break;
        }
    }
    return outcome;
}

namespace {

std::vector<std::string> headerShapeSymbols(const Config&) {
    return {kMissingTo.name, kToUndisclosed.name, kMimeVersionMissing.name, kReceivedBelow.name};
}

std::unique_ptr<ContentCheck> makeHeaderShapeCheck(const Config& config, const Services&) {
    if (!config.header_forensics.enabled) {
        return nullptr;
    }
    return std::make_unique<HeaderShapeCheck>();
}

}  // namespace

CheckDescriptor headerShapeCheckDescriptor() {
    CheckDescriptor descriptor;
    descriptor.name = "header_shape";
    descriptor.stage = CheckStage::Content;
    descriptor.phase = CheckPhase::Filter;
    descriptor.config_section = "header_forensics";
    descriptor.symbols = headerShapeSymbols;
    descriptor.make_content_check = makeHeaderShapeCheck;
    return descriptor;
}

}  // namespace mailgate
