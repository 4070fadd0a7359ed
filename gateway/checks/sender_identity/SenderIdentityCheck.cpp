// Whether a message is consistent about its sender (see SenderIdentityCheck.hpp).
#include "gateway/checks/sender_identity/SenderIdentityCheck.hpp"

#include <cctype>
#include <optional>
#include <string_view>
#include <vector>

#include "gateway/mime/AddressList.hpp"
#include "gateway/net/PublicSuffix.hpp"
#include "gateway/util/AsciiCase.hpp"

namespace mailgate {
namespace {

// Scores fitted on the training groups by bench/fit_weights.py (docs/PERFORMANCE.md); a
// symbol seen too rarely there to be fitted keeps a cautious placeholder (marked). The
// fitted weights also ship in the example config's scoring.symbol_weights.
constexpr SymbolDefault kNameOtherAddress{"FROM_NAME_OTHER_ADDRESS", 1.5};  // too rare to fit
constexpr SymbolDefault kReplyToOtherDomain{"REPLY_TO_OTHER_DOMAIN", 0.0};
constexpr SymbolDefault kReplyToFreemail{"REPLY_TO_FREEMAIL", 0.0};
constexpr SymbolDefault kFreemailMessageIdElsewhere{"FREEMAIL_MESSAGE_ID_ELSEWHERE", 3.1};

// Freemail providers whose mail carries Message-IDs of their sister domains: a hotmail.com
// mailbox's message gets an outlook.com Message-ID, an aol.com one a yahoo.com one.
const std::vector<std::vector<std::string_view>> kProviderFamilies = {
    {"hotmail.com", "outlook.com", "live.com", "msn.com", "phx.gbl"},
    {"yahoo.com", "ymail.com", "aol.com", "yahoo.co.uk", "yahoo.fr", "yahoo.de"},
    {"gmail.com", "googlemail.com", "google.com"},
    {"icloud.com", "me.com", "mac.com", "apple.com"},
    {"gmx.com", "gmx.net", "gmx.de", "web.de", "mail.com"},
    {"yandex.ru", "yandex.com", "yandex.net"},
};
// Hosts that mail clients (not providers) put in Message-IDs whatever the account.
const std::string_view kClientMessageIdHosts[] = {"email.android.com"};

bool within(std::string_view host, std::string_view domain) {
    return host == domain ||
           (host.size() > domain.size() && host.substr(host.size() - domain.size()) == domain &&
            host[host.size() - domain.size() - 1] == '.');
}

// Whether a Message-ID host was plausibly written by the provider of `fromDomain`.
bool providersHost(std::string_view host, const std::string& fromDomain) {
    if (within(host, fromDomain)) {
        return true;
    }
    for (auto client : kClientMessageIdHosts) {
        if (within(host, client)) {
            return true;
        }
    }
    for (const auto& family : kProviderFamilies) {
        bool fromFamily = false;
        for (auto domain : family) {
            fromFamily = fromFamily || within(fromDomain, domain);
        }
        if (!fromFamily) {
            continue;
        }
        for (auto domain : family) {
            if (within(host, domain)) {
                return true;
            }
        }
    }
    return false;
}

// The host part of a Message-ID ("<abc@mail.example>" -> "mail.example"), "" when none.
std::string messageIdHost(std::string_view value) {
    auto at = value.rfind('@');
    if (at == std::string_view::npos) {
        return {};
    }
    auto host = value.substr(at + 1);
    auto end = host.find_first_of("> \t");
    return lowerCase(host.substr(0, end));
}

// The registrable domain, lower case ("mail.shop.co.uk" -> "shop.co.uk"); the domain
// itself when it has none (a single label, a bare public suffix).
std::string baseDomain(std::string_view domain) {
    return registrableDomainOrHost(domain);
}

std::optional<Mailbox> firstMailbox(const Message& message, std::string_view field,
                                    AddressSyntax syntax) {
    const auto* header = message.firstHeader(field);
    if (header == nullptr) {
        return std::nullopt;
    }
    auto parsed = parseAddresses(header->value, syntax);
    if (!parsed || parsed->empty()) {
        return std::nullopt;
    }
    return parsed->front();
}

// The domain of an address written in a display name ("support@bank.example" or
// "Bank <support@bank.example>" as the name), "" when there is none.
std::string addressDomainIn(std::string_view name) {
    auto at = name.find('@');
    if (at == std::string_view::npos || at == 0) {
        return {};
    }
    std::size_t end = at + 1;
    while (end < name.size() && (std::isalnum(static_cast<unsigned char>(name[end])) ||
                                 name[end] == '.' || name[end] == '-')) {
        ++end;
    }
    auto domain = name.substr(at + 1, end - at - 1);
    return domain.find('.') == std::string_view::npos ? std::string() : baseDomain(domain);
}

}  // namespace

SenderIdentityCheck::SenderIdentityCheck(const HeaderForensicsSettings& settings) {
    for (const auto& domain : settings.freemail_domains) {
        freemail_domains_.insert(lowerCase(domain));
    }
}

bool SenderIdentityCheck::freemail(const std::string& domain) const {
    return freemail_domains_.count(lowerCase(domain)) > 0 ||
           freemail_domains_.count(baseDomain(domain)) > 0;
}

CheckOutcome SenderIdentityCheck::check(const Message& message) const {
    CheckOutcome outcome;
    auto from = firstMailbox(message, "From", AddressSyntax::MailboxList);
    if (!from) {
        return outcome;  // missing or broken: the header syntax check says so
    }
    std::string fromBase = baseDomain(from->domain);
    std::string named = addressDomainIn(from->display_name);
    if (!named.empty() && named != fromBase) {
        outcome.addSymbol(kNameOtherAddress.name, kNameOtherAddress.score,
                          "From name shows " + named + ", the address is in " + fromBase);
    }
    if (freemail(from->domain)) {
        const auto* id = message.firstHeader("Message-ID");
        std::string host = id != nullptr ? messageIdHost(id->value) : std::string();
        std::string fromDomain = lowerCase(from->domain);
        if (!host.empty() && !providersHost(host, fromDomain)) {
            outcome.addSymbol(kFreemailMessageIdElsewhere.name, kFreemailMessageIdElsewhere.score,
                              "From is a " + fromDomain +
                                  " mailbox, the Message-ID was written at " + host.substr(0, 80));
        }
    }
    auto replyTo = firstMailbox(message, "Reply-To", AddressSyntax::AddressList);
    if (replyTo) {
        std::string replyBase = baseDomain(replyTo->domain);
        bool sameMailbox = lowerCase(replyTo->address()) == lowerCase(from->address());
        if (!sameMailbox && freemail(replyTo->domain)) {
            outcome.addSymbol(
                kReplyToFreemail.name, kReplyToFreemail.score,
                "replies go to freemail " + replyTo->domain + ", From is " + from->domain);
        } else if (replyBase != fromBase) {
            outcome.addSymbol(kReplyToOtherDomain.name, kReplyToOtherDomain.score,
                              "replies go to " + replyBase + ", From is in " + fromBase);
        }
    }
    return outcome;
}

namespace {

std::vector<std::string> senderIdentitySymbols(const Config&) {
    return {kNameOtherAddress.name, kReplyToOtherDomain.name, kReplyToFreemail.name,
            kFreemailMessageIdElsewhere.name};
}

std::unique_ptr<ContentCheck> makeSenderIdentityCheck(const Config& config, const Services&) {
    if (!config.header_forensics.enabled) {
        return nullptr;
    }
    return std::make_unique<SenderIdentityCheck>(config.header_forensics);
}

}  // namespace

CheckDescriptor senderIdentityCheckDescriptor() {
    CheckDescriptor descriptor;
    descriptor.name = "sender_identity";
    descriptor.stage = CheckStage::Content;
    descriptor.phase = CheckPhase::Filter;
    descriptor.config_section = "header_forensics";
    descriptor.symbols = senderIdentitySymbols;
    descriptor.make_content_check = makeSenderIdentityCheck;
    return descriptor;
}

}  // namespace mailgate
