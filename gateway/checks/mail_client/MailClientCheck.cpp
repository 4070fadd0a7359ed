// Whether the header looks written by the mail client it names (see MailClientCheck.hpp).
#include "gateway/checks/mail_client/MailClientCheck.hpp"

#include <cctype>

#include "gateway/util/AsciiCase.hpp"

namespace mailgate {
namespace {

// Placeholders until bench/fit_weights.py refits them on the training groups.
constexpr SymbolDefault kForgedOutlook{"MAIL_CLIENT_FORGED_OUTLOOK", 1.0};
constexpr SymbolDefault kMicrosoftFieldsAlone{"MAIL_CLIENT_MICROSOFT_FIELDS_ALONE", 1.0};
constexpr SymbolDefault kMessageIdNotClients{"MESSAGE_ID_NOT_CLAIMED_CLIENTS", 0.5};
constexpr SymbolDefault kPriorityHighest{"PRIORITY_HIGHEST", 0.5};
constexpr SymbolDefault kPriorityWithoutClient{"PRIORITY_WITHOUT_MAIL_CLIENT", 0.5};

std::string_view clientField(const Message& message) {
    for (const char* name : {"X-Mailer", "User-Agent"}) {
        if (const auto* header = message.firstHeader(name)) {
            return header->value;
        }
    }
    return {};
}

bool contains(const std::string& haystack, std::string_view needle) {
    return haystack.find(needle) != std::string::npos;
}

std::size_t hexRun(std::string_view text, std::size_t at) {
    std::size_t end = at;
    while (end < text.size() && std::isxdigit(static_cast<unsigned char>(text[end]))) {
        ++end;
    }
    return end - at;
}

std::string shown(std::string_view text) {
    return std::string(text.substr(0, 60)) + (text.size() > 60 ? "..." : "");
}

}  // namespace

NamedMailClient namedMailClient(const Message& message) {
    auto field = clientField(message);
    if (field.find_first_not_of(" \t") == std::string_view::npos) {
        return NamedMailClient::None;
    }
    auto client = lowerCase(field);
    if (contains(client, "outlook express") || contains(client, "windows mail") ||
        contains(client, "windows live mail")) {
        return NamedMailClient::OutlookExpress;
    }
    if (contains(client, "microsoft outlook") || contains(client, "microsoft office outlook")) {
        return NamedMailClient::Outlook;
    }
    if (contains(client, "microsoft") || contains(client, "exchange")) {
        return NamedMailClient::OtherMicrosoft;
    }
    return NamedMailClient::Other;
}

bool hasOutlookExpressMessageIdShape(std::string_view messageId) {
    auto first = messageId.find_first_not_of(" \t<");
    if (first == std::string_view::npos) {
        return false;
    }
    std::string_view id = messageId.substr(first);
    if (hexRun(id, 0) != 12 || id.size() < 13 || id[12] != '$' || hexRun(id, 13) != 8 ||
        id.size() < 22 || id[21] != '$' || hexRun(id, 22) != 8 || id.size() < 31 || id[30] != '@') {
        return false;
    }
    return id.size() > 31 && id[31] != '>';
}

CheckOutcome MailClientCheck::check(const Message& message) const {
    CheckOutcome outcome;
    auto client = namedMailClient(message);
    bool microsoftClient = client == NamedMailClient::OutlookExpress ||
                           client == NamedMailClient::Outlook ||
                           client == NamedMailClient::OtherMicrosoft;
    if ((client == NamedMailClient::OutlookExpress || client == NamedMailClient::Outlook) &&
        message.firstHeader("X-MimeOLE") == nullptr &&
        message.firstHeader("Thread-Index") == nullptr) {
        outcome.addSymbol(kForgedOutlook.name, kForgedOutlook.score,
                          "names \"" + shown(clientField(message)) +
                              "\" without the X-MimeOLE or Thread-Index it writes");
    }
    if (!microsoftClient) {
        for (const char* field : {"X-MimeOLE", "X-MSMail-Priority"}) {
            if (message.firstHeader(field) != nullptr) {
                outcome.addSymbol(
                    kMicrosoftFieldsAlone.name, kMicrosoftFieldsAlone.score,
                    std::string(field) + " without a Microsoft mail client named" +
                        (client == NamedMailClient::None
                             ? std::string()
                             : " (it names \"" + shown(clientField(message)) + "\")"));
                break;
            }
        }
    }
    if (client == NamedMailClient::OutlookExpress) {
        const auto* id = message.firstHeader("Message-ID");
        if (id != nullptr && !hasOutlookExpressMessageIdShape(id->value)) {
            outcome.addSymbol(
                kMessageIdNotClients.name, kMessageIdNotClients.score,
                "Outlook Express does not write a Message-ID like \"" + shown(id->value) + "\"");
        }
    }
    if (const auto* priority = message.firstHeader("X-Priority")) {
        auto value = priority->value.find_first_not_of(" \t");
        if (value != std::string::npos && priority->value[value] == '1' &&
            (value + 1 == priority->value.size() ||
             !std::isdigit(static_cast<unsigned char>(priority->value[value + 1])))) {
            outcome.addSymbol(kPriorityHighest.name, kPriorityHighest.score,
                              "X-Priority: " + shown(priority->value));
        }
        if (client == NamedMailClient::None) {
            outcome.addSymbol(kPriorityWithoutClient.name, kPriorityWithoutClient.score,
                              "X-Priority without X-Mailer or User-Agent");
        }
    }
    return outcome;
}

namespace {

std::vector<std::string> mailClientSymbols(const Config&) {
    return {kForgedOutlook.name, kMicrosoftFieldsAlone.name, kMessageIdNotClients.name,
            kPriorityHighest.name, kPriorityWithoutClient.name};
}

std::unique_ptr<ContentCheck> makeMailClientCheck(const Config& config, const Services&) {
    if (!config.header_forensics.enabled) {
        return nullptr;
    }
    return std::make_unique<MailClientCheck>();
}

}  // namespace

CheckDescriptor mailClientCheckDescriptor() {
    CheckDescriptor descriptor;
    descriptor.name = "mail_client";
    descriptor.stage = CheckStage::Content;
    descriptor.phase = CheckPhase::Filter;
    descriptor.config_section = "header_forensics";
    descriptor.symbols = mailClientSymbols;
    descriptor.make_content_check = makeMailClientCheck;
    return descriptor;
}

}  // namespace mailgate
