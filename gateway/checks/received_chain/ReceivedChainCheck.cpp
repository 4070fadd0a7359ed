// The Received chain's entry hop and dates (see ReceivedChainCheck.hpp).
#include "gateway/checks/received_chain/ReceivedChainCheck.hpp"

#include <algorithm>
#include <cctype>

#include "gateway/util/AsciiCase.hpp"

namespace mailgate {
namespace {

// Placeholders until bench/fit_weights.py refits them on the training groups.
constexpr SymbolDefault kNoReverseName{"RECEIVED_CLIENT_NO_RDNS", 0.5};
constexpr SymbolDefault kDynamic{"RECEIVED_CLIENT_DYNAMIC", 1.0};
constexpr SymbolDefault kHeloNotAName{"RECEIVED_HELO_NOT_A_NAME", 1.0};
constexpr SymbolDefault kDatesOutOfOrder{"RECEIVED_DATES_OUT_OF_ORDER", 1.0};

constexpr std::size_t kMaxFields = 30;
constexpr std::int64_t kDay = 24 * 60 * 60;

// Address ranges that never face the Internet: hops inside them are the receiving site's
// own (or the sender's LAN), not where the message entered.
const char* const kPrivateRanges[] = {
    "0.0.0.0/8",     "10.0.0.0/8",     "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
    "172.16.0.0/12", "192.168.0.0/16", "::1/128",       "fc00::/7",    "fe80::/10"};

// Words that name address pools, at the start of a part of the host name, alone or
// followed by digits ("dsl", "adsl092", "dialup", "pool").
const char* const kPoolWords[] = {"dsl",  "adsl",      "xdsl",        "vdsl",  "dyn",     "dynamic",
                                  "dial", "dialup",    "pool",        "cable", "ppp",     "pppoe",
                                  "dhcp", "broadband", "residential", "cust",  "customer"};

std::vector<std::string> nameParts(std::string_view name) {
    std::vector<std::string> parts;
    std::string part;
    for (char c : name) {
        if (c == '.' || c == '-' || c == '_') {
            if (!part.empty()) {
                parts.push_back(part);
            }
            part.clear();
        } else {
            part += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
    }
    if (!part.empty()) {
        parts.push_back(part);
    }
    return parts;
}

bool isPoolWord(const std::string& part) {
    for (std::string_view word : kPoolWords) {
        if (part.compare(0, word.size(), word) == 0 &&
            part.find_first_not_of("0123456789", word.size()) == std::string::npos) {
            return true;
        }
    }
    return false;
}

std::string withoutLeadingZeros(const std::string& part) {
    auto first = part.find_first_not_of('0');
    return first == std::string::npos ? (part.empty() ? part : "0") : part.substr(first);
}

std::string shown(std::string_view text) {
    return std::string(text.substr(0, 80)) + (text.size() > 80 ? "..." : "");
}

}  // namespace

bool looksDynamic(std::string_view reverseName, std::string_view address) {
    auto parts = nameParts(reverseName);
    if (parts.size() < 3) {
        return false;
    }
    parts.resize(parts.size() - 2);    // the registered name and its suffix say nothing of pools
    auto octets = nameParts(address);  // an IPv4 address's four numbers
    std::size_t numbers = 0;
    for (const auto& part : parts) {
        if (isPoolWord(part)) {
            return true;
        }
        if (octets.size() == 4 && part.find_first_not_of("0123456789") == std::string::npos &&
            std::find(octets.begin(), octets.end(), withoutLeadingZeros(part)) != octets.end()) {
            ++numbers;
        }
    }
    return numbers >= 2;
}

ReceivedChainCheck::ReceivedChainCheck(std::vector<IpNetwork> trustedNetworks)
    : trusted_(std::move(trustedNetworks)) {
    for (const char* range : kPrivateRanges) {
        if (auto network = IpNetwork::parse(range)) {
            trusted_.push_back(network.value());
        }
    }
}

bool ReceivedChainCheck::isEntryHop(const ReceivedField& field) const {
    auto address = IpAddress::parse(field.client_address);
    if (!address) {
        return false;
    }
    for (const auto& network : trusted_) {
        if (network.contains(address.value())) {
            return false;
        }
    }
    return true;
}

CheckOutcome ReceivedChainCheck::check(const Message& message) const {
    CheckOutcome outcome;
    std::vector<ReceivedField> chain;
    for (const auto* header : message.headersNamed("Received")) {
        if (chain.size() == kMaxFields) {
            break;
        }
        chain.push_back(parseReceivedField(header->value));
    }
    for (const auto& hop : chain) {
        if (!isEntryHop(hop)) {
            continue;
        }
        std::string client = hop.client_address;
        if (hop.reverse == ReverseName::Missing) {
            outcome.addSymbol(kNoReverseName.name, kNoReverseName.score,
                              client + " had no reverse DNS name (Received by " +
                                  shown(hop.by.empty() ? "?" : hop.by) + ")");
        } else if (hop.reverse == ReverseName::Named && looksDynamic(hop.reverse_name, client)) {
            outcome.addSymbol(
                kDynamic.name, kDynamic.score,
                client + " is " + shown(hop.reverse_name) + ", a name of an address pool");
        }
        const std::string& helo = hop.helo;
        bool literal = !helo.empty() && (helo.front() == '[' || IpAddress::parse(helo));
        if (!helo.empty() && (literal || helo.find('.') == std::string::npos)) {
            outcome.addSymbol(kHeloNotAName.name, kHeloNotAName.score,
                              client + " greeted as \"" + shown(helo) + "\"");
        }
        break;
    }
    // A hop below (earlier) dated more than a day after a hop above it.
    for (std::size_t upper = 0; upper < chain.size(); ++upper) {
        if (!chain[upper].date) {
            continue;
        }
        bool found = false;
        for (std::size_t lower = upper + 1; lower < chain.size(); ++lower) {
            if (chain[lower].date && *chain[lower].date - *chain[upper].date > kDay) {
                outcome.addSymbol(
                    kDatesOutOfOrder.name, kDatesOutOfOrder.score,
                    "Received field " + std::to_string(lower + 1) + " is dated " +
                        std::to_string((*chain[lower].date - *chain[upper].date) / 3600) +
                        " hours after field " + std::to_string(upper + 1) + " above it");
                found = true;
                break;
            }
        }
        if (found) {
            break;
        }
    }
    return outcome;
}

namespace {

std::vector<std::string> receivedChainSymbols(const Config&) {
    return {kNoReverseName.name, kDynamic.name, kHeloNotAName.name, kDatesOutOfOrder.name};
}

std::unique_ptr<ContentCheck> makeReceivedChainCheck(const Config& config, const Services&) {
    if (!config.header_forensics.enabled) {
        return nullptr;
    }
    std::vector<IpNetwork> trusted;
    for (const auto& text : config.relay.trusted_networks) {
        if (auto network = IpNetwork::parse(text)) {
            trusted.push_back(network.value());
        }
    }
    return std::make_unique<ReceivedChainCheck>(std::move(trusted));
}

}  // namespace

CheckDescriptor receivedChainCheckDescriptor() {
    CheckDescriptor descriptor;
    descriptor.name = "received_chain";
    descriptor.stage = CheckStage::Content;
    descriptor.phase = CheckPhase::Filter;
    descriptor.config_section = "header_forensics";
    descriptor.symbols = receivedChainSymbols;
    descriptor.make_content_check = makeReceivedChainCheck;
    return descriptor;
}

}  // namespace mailgate
