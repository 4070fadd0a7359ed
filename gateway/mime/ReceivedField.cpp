// Reading the facts of one Received field (see ReceivedField.hpp).
#include "gateway/mime/ReceivedField.hpp"

#include <cctype>
#include <cstdint>

#include "gateway/mime/MailDate.hpp"
#include "gateway/net/IpAddress.hpp"
#include "gateway/util/AsciiCase.hpp"

namespace mailgate {
namespace {

constexpr std::size_t kMaxBytes = 2000;

bool isBlank(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

// The word starting at `at` (up to a blank, "(" or ")"), and `at` moved past it.
std::string_view wordAt(std::string_view text, std::size_t& at) {
    while (at < text.size() && isBlank(text[at])) {
        ++at;
    }
    std::size_t start = at;
    while (at < text.size() && !isBlank(text[at]) && text[at] != '(' && text[at] != ')' &&
           text[at] != ';') {
        ++at;
    }
    return text.substr(start, at - start);
}

// The position of `word` as a whole word in `text` (case-insensitive), from `from`.
std::size_t findWord(const std::string& lowered, std::string_view word, std::size_t from = 0) {
    for (auto at = lowered.find(word, from); at != std::string::npos;
         at = lowered.find(word, at + 1)) {
        bool startOk = at == 0 || isBlank(lowered[at - 1]) || lowered[at - 1] == ')';
        bool endOk = at + word.size() == lowered.size() || isBlank(lowered[at + word.size()]) ||
                     lowered[at + word.size()] == '(';
        if (startOk && endOk) {
            return at;
        }
    }
    return std::string::npos;
}

// An address literal's text: "1.2.3.4" from "[1.2.3.4]" or "[IPv6:2001:db8::1]".
std::string addressIn(std::string_view literal) {
    if (literal.size() > 5 && lowerCase(literal.substr(0, 5)) == "ipv6:") {
        literal.remove_prefix(5);
    }
    auto address = IpAddress::parse(literal);
    return address ? address.value().toString() : std::string();
}

bool looksLikeName(std::string_view word) {
    if (word.empty() || word.size() > 255) {
        return false;
    }
    for (char c : word) {
        auto byte = static_cast<unsigned char>(c);
        if (!std::isalnum(byte) && c != '.' && c != '-' && c != '_' && c != '[' && c != ']' &&
            c != ':') {
            return false;
        }
    }
    return true;
}

}  // namespace

ReceivedField parseReceivedField(std::string_view value) {
    ReceivedField field;
    value = value.substr(0, kMaxBytes);
    std::string lowered = lowerCase(value);
    if (auto semicolon = value.rfind(';'); semicolon != std::string_view::npos) {
        if (auto date = parseMailDate(value.substr(semicolon + 1))) {
            field.date = date.value().utc_seconds;
        }
    }
    std::size_t from = findWord(lowered, "from");
    std::size_t by = findWord(lowered, "by", from == std::string::npos ? 0 : from);
    if (by != std::string::npos) {
        std::size_t at = by + 2;
        field.by = lowerCase(wordAt(value, at));
    }
    if (from == std::string::npos) {
        return field;
    }
    std::size_t clauseEnd = by == std::string::npos ? lowered.find(';') : by;
    std::string_view clause = value.substr(
        from + 4, clauseEnd == std::string::npos ? std::string_view::npos : clauseEnd - from - 4);
    std::string clauseLower = lowerCase(clause);
    std::size_t at = 0;
    std::string first = lowerCase(wordAt(clause, at));

    // The client's address: the first [literal] in the parentheses the server wrote (a
    // HELO may be a literal too, and a false one), else the first [literal], else a bare
    // address in parentheses (qmail).
    auto open = clause.find('(');
    auto bracket = open == std::string_view::npos ? open : clause.find('[', open);
    if (bracket == std::string_view::npos) {
        bracket = clause.find('[');
    }
    if (bracket != std::string_view::npos) {
        auto close = clause.find(']', bracket);
        if (close != std::string_view::npos) {
            field.client_address = addressIn(clause.substr(bracket + 1, close - bracket - 1));
        }
    }
    if (field.client_address.empty()) {
        for (auto paren = clause.find('('); paren != std::string_view::npos;
             paren = clause.find('(', paren + 1)) {
            auto close = clause.find(')', paren);
            if (close == std::string_view::npos) {
                break;
            }
            auto inside = clause.substr(paren + 1, close - paren - 1);
            if (auto address = addressIn(inside); !address.empty()) {
                field.client_address = address;
                break;
            }
        }
    }

    // Exim ("helo=NAME") and qmail ("(HELO NAME)") say the HELO name apart.
    std::size_t heloAt = clauseLower.find("helo=");
    std::size_t heloLength = 5;
    if (heloAt == std::string::npos) {
        heloAt = clauseLower.find("(helo ");
        heloLength = 6;
    }
    if (heloAt != std::string::npos) {
        std::size_t next = heloAt + heloLength;
        auto helo = lowerCase(wordAt(clause, next));
        field.helo = looksLikeName(helo) ? helo : std::string();
        // The first word is then the reverse name (or "unknown", or the bare [address]).
        if (first == "unknown" || first.empty() || first.front() == '[') {
            field.reverse = ReverseName::Missing;
        } else if (looksLikeName(first)) {
            field.reverse = ReverseName::Named;
            field.reverse_name = first;
        }
        return field;
    }

    // Postfix and Sendmail: "from HELO (NAME [ADDRESS])", "(unknown [ADDRESS])", "([ADDRESS])".
    field.helo = looksLikeName(first) ? first : std::string();
    if (open != std::string_view::npos && bracket != std::string_view::npos && open < bracket) {
        std::size_t inside = open + 1;
        auto name = lowerCase(wordAt(clause, inside));
        if (name.empty() || name.front() == '[') {
            field.reverse = ReverseName::Missing;
        } else if (name == "unknown") {
            field.reverse = ReverseName::Missing;
        } else if (looksLikeName(name) && name.find('.') != std::string::npos) {
            field.reverse = ReverseName::Named;
            field.reverse_name = name;
        }
    }
    return field;
}

}  // namespace mailgate
