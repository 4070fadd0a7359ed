// The global white and black lists (see GlobalLists.hpp).
#include "gateway/checks/lists/GlobalLists.hpp"

namespace mailgate {
namespace {

std::vector<ListEntry> parsedOrSkipped(const std::vector<std::string>& entries) {
    std::vector<ListEntry> parsed;
    for (const auto& text : entries) {
        if (auto entry = ListEntry::parseDirected(text)) {
            parsed.push_back(std::move(*entry));
        }
    }
    return parsed;
}

const ListEntry* firstMatch(const std::vector<ListEntry>& entries, ListDirection direction,
                            std::string_view address, const IpAddress* client) {
    for (const auto& entry : entries) {
        if (entry.direction() != direction) {
            continue;
        }
        if (direction == ListDirection::Client ? client && entry.matchesClient(*client)
                                               : entry.matchesAddress(address)) {
            return &entry;
        }
    }
    return nullptr;
}

}  // namespace

GlobalLists::GlobalLists(const ListSettings& settings)
    : white_(parsedOrSkipped(settings.whitelist)),
      black_(parsedOrSkipped(settings.blacklist)),
      from_needs_spf_(settings.whitelist_from_needs_spf) {}

ListFinding GlobalLists::forMessage(const MessageEnvelope& envelope, bool spfPassed) const {
    ListFinding finding;
    auto client = IpAddress::parse(envelope.client_address);
    const IpAddress* address = client ? &*client : nullptr;
    if (const auto* entry = firstMatch(white_, ListDirection::Client, "", address)) {
        finding.whitelisted = true;
        finding.entry = entry->text();
        return finding;
    }
    if (const auto* entry = firstMatch(white_, ListDirection::From, envelope.sender, nullptr)) {
        if (!from_needs_spf_ || spfPassed) {
            finding.whitelisted = true;
            finding.entry = entry->text();
            return finding;
        }
        finding.unverified_whitelist = true;
        finding.entry = entry->text();
    }
    for (auto direction : {ListDirection::Client, ListDirection::From}) {
        if (const auto* entry = firstMatch(black_, direction, envelope.sender, address)) {
            finding.blacklisted = true;
            finding.entry = entry->text();
            return finding;
        }
    }
    return finding;
}

ListFinding GlobalLists::forRecipient(std::string_view recipient) const {
    ListFinding finding;
    if (const auto* entry = firstMatch(white_, ListDirection::To, recipient, nullptr)) {
        finding.whitelisted = true;
        finding.entry = entry->text();
    } else if (const auto* blocked = firstMatch(black_, ListDirection::To, recipient, nullptr)) {
        finding.blacklisted = true;
        finding.entry = blocked->text();
    }
    return finding;
}

ListFinding judgeSender(const std::vector<ListEntry>& white, const std::vector<ListEntry>& black,
                        std::string_view sender) {
    ListFinding finding;
    for (const auto& entry : white) {
        if (entry.matchesAddress(sender)) {
            finding.whitelisted = true;
            finding.entry = entry.text();
            return finding;
        }
    }
    for (const auto& entry : black) {
        if (entry.matchesAddress(sender)) {
            finding.blacklisted = true;
            finding.entry = entry.text();
            return finding;
        }
    }
    return finding;
}

}  // namespace mailgate
