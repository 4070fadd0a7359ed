// Received-SPF formatting (see ReceivedSpfHeader.hpp).
#include "gateway/spf/ReceivedSpfHeader.hpp"

#include <cctype>
#include <string_view>

namespace mailgate {
namespace {

// Printable ASCII only: anything else becomes '?', so no byte can fold or end the line.
std::string printable(std::string_view text) {
    std::string out;
    for (unsigned char c : text) {
        out += (c >= 0x20 && c < 0x7f) ? static_cast<char>(c) : '?';
    }
    return out;
}

std::string commentText(std::string_view text) {
    std::string out;
    for (char c : printable(text)) {
        if (c == '(' || c == ')' || c == '\\') {
            out += '\\';
        }
        out += c;
    }
    return out;
}

bool isAtomText(unsigned char c) {
    return std::isalnum(c) || std::string_view("!#$%&'*+-/=?^_`{|}~").find(static_cast<char>(c)) !=
                                  std::string_view::npos;
}

// RFC 5322 dot-atom when the value is one, a quoted-string otherwise.
std::string keyValue(std::string_view value) {
    std::string text = printable(value);
    bool dotAtom = !text.empty() && text.front() != '.' && text.back() != '.' &&
                   text.find("..") == std::string::npos;
    for (unsigned char c : text) {
        dotAtom = dotAtom && (isAtomText(c) || c == '.');
    }
    if (dotAtom) {
        return text;
    }
    std::string out = "\"";
    for (char c : text) {
        if (c == '"' || c == '\\') {
            out += '\\';
        }
        out += c;
    }
    return out + "\"";
}

std::string comment(const SpfResult& result, const std::string& who, const std::string& ip) {
    switch (result.code) {
        case SpfResultCode::Pass:
            return "domain of " + who + " designates " + ip + " as permitted sender";
        case SpfResultCode::Fail:
            return "domain of " + who + " does not designate " + ip + " as permitted sender";
        case SpfResultCode::Softfail:
            return "transitioning domain of " + who + " does not designate " + ip +
                   " as permitted sender";
        case SpfResultCode::Neutral:
            return ip + " is neither permitted nor denied by domain of " + who;
        case SpfResultCode::None:
            return "domain of " + who + " does not provide an SPF record";
        case SpfResultCode::Temperror:
            return "error in processing during lookup of " + who + ": " + result.reason;
        case SpfResultCode::Permerror:
            return "domain of " + who + " uses a malformed SPF record";
    }
    return {};
}

}  // namespace

std::string receivedSpfValue(const SpfResult& result, const SpfQuery& query, SpfIdentity identity,
                             const std::string& receiver) {
    std::string ip = query.client.toString();
    std::string sender = identity == SpfIdentity::Helo || query.sender.empty()
                             ? "postmaster@" + query.helo
                             : query.sender;
    std::string who = identity == SpfIdentity::Helo ? query.helo : sender;
    std::string value(spfResultName(result.code));
    value += " (" + commentText(receiver) + ": " + commentText(comment(result, who, ip)) + ")";
    value += " client-ip=" + keyValue(ip) + ";";
    value += " envelope-from=" + keyValue(query.sender.empty() ? "" : query.sender) + ";";
    if (!query.helo.empty()) {
        value += " helo=" + keyValue(query.helo) + ";";
    }
    value += " receiver=" + keyValue(receiver) + ";";
    value +=
        std::string(" identity=") + (identity == SpfIdentity::Helo ? "helo" : "mailfrom") + ";";
    if (!result.mechanism.empty()) {
        value += " mechanism=" + keyValue(result.mechanism) + ";";
    }
    if (result.code == SpfResultCode::Permerror || result.code == SpfResultCode::Temperror) {
        value += " problem=" + keyValue(result.reason) + ";";
    }
    return value;
}

}  // namespace mailgate
