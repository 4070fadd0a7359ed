// Greylisting's sender normalisation (see SenderNormalizer.hpp).
#include "gateway/checks/greylist/SenderNormalizer.hpp"

#include <cctype>
#include <vector>

#include "gateway/net/MailAddress.hpp"

namespace mailgate {
namespace {

bool startsWith(std::string_view text, std::string_view prefix) {
    return text.substr(0, prefix.size()) == prefix;
}

// "a=b=c" split at most `parts - 1` times.
std::vector<std::string_view> splitEquals(std::string_view text, std::size_t parts) {
    std::vector<std::string_view> out;
    while (out.size() + 1 < parts) {
        auto equals = text.find('=');
        if (equals == std::string_view::npos) {
            break;
        }
        out.push_back(text.substr(0, equals));
        text.remove_prefix(equals + 1);
    }
    out.push_back(text);
    return out;
}

// SRS0=HASH=TT=domain=local and SRS1=HASH=forwarder==HASH=TT=domain=local (the Sender
// Rewriting Scheme); "+" and "-" are accepted as the first separator, as senders use them.
bool undoSrs(std::string& local, std::string& domain) {
    std::string_view text = local;
    if (startsWith(text, "srs1") && text.size() > 5) {
        auto doubled = text.find("==");
        if (doubled == std::string_view::npos) {
            return false;
        }
        text = text.substr(doubled + 2);
    } else if (startsWith(text, "srs0") && text.size() > 5 &&
               (text[4] == '=' || text[4] == '+' || text[4] == '-')) {
        text = text.substr(5);
    } else {
        return false;
    }
    auto fields = splitEquals(text, 4);  // hash, timestamp, domain, local
    if (fields.size() != 4 || fields[2].empty() || fields[3].empty()) {
        return false;
    }
    domain = std::string(fields[2]);
    local = std::string(fields[3]);
    return true;
}

// BATV: prvs=TAG=user (the draft's order), msprvs1=TAG=user, btv1==TAG==user.
void dropBatv(std::string& local) {
    if (startsWith(local, "btv1==")) {
        auto last = local.rfind("==");
        if (last > 4 && last + 2 < local.size()) {
            local.erase(0, last + 2);
        }
        return;
    }
    for (std::string_view prefix : {"prvs=", "msprvs1="}) {
        if (startsWith(local, prefix)) {
            auto second = local.find('=', prefix.size());
            if (second != std::string::npos && second + 1 < local.size()) {
                local.erase(0, second + 1);
            }
            return;
        }
    }
}

// "list-bounces+user=example.com" -> "list-bounces"; "bounce-42-user=example.com" ->
// "bounce-42": the part that encodes the recipient goes.
void dropExtensionAndVerp(std::string& local) {
    auto plus = local.find('+');
    if (plus != std::string::npos && plus > 0) {
        local.erase(plus);
    }
    auto equals = local.find('=');
    if (equals != std::string::npos && local.find('.', equals) != std::string::npos) {
        auto cut = local.find_last_of("-.", equals);
        local.erase(cut == std::string::npos || cut == 0 ? equals : cut);
    }
}

bool isWordByte(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

// Every run of digits that is a whole word (Perl's \b\d+\b) becomes "#".
std::string hideSerialNumbers(const std::string& local) {
    std::string out;
    std::size_t i = 0;
    while (i < local.size()) {
        bool wordStart = i == 0 || !isWordByte(local[i - 1]);
        if (wordStart && std::isdigit(static_cast<unsigned char>(local[i]))) {
            std::size_t end = i;
            while (end < local.size() && std::isdigit(static_cast<unsigned char>(local[end]))) {
                ++end;
            }
            if (end == local.size() || !isWordByte(local[end])) {
                out += '#';
                i = end;
                continue;
            }
        }
        out += local[i++];
    }
    return out;
}

}  // namespace

std::string normalizeGreylistSender(std::string_view sender) {
    if (sender.empty()) {
        return {};
    }
    auto address = MailAddress::split(sender);
    std::string local;
    for (char c : address.local_part) {
        local += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    std::string domain = address.domain;
    if (!undoSrs(local, domain)) {
        dropBatv(local);
    }
    domain = canonicalDomainName(domain);
    dropExtensionAndVerp(local);
    local = hideSerialNumbers(local);
    return domain.empty() ? local : local + "@" + domain;
}

}  // namespace mailgate
