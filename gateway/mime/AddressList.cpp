// RFC 5322 addresses (see AddressList.hpp): a recursive-descent reader over the text with
// one position; every rule skips the comments and folding whitespace around it (CFWS).
#include "gateway/mime/AddressList.hpp"

#include <optional>

namespace mailgate {
namespace {

constexpr int kMaxCommentDepth = 32;

bool isAtext(unsigned char c) {
    if (c >= 0x80) {
        return true;  // RFC 6532 UTF-8
    }
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
        return true;
    }
    static constexpr std::string_view kSymbols = "!#$%&'*+-/=?^_`{|}~";
    return kSymbols.find(static_cast<char>(c)) != std::string_view::npos;
}

class Reader {
  public:
    explicit Reader(std::string_view text) : text_(text) {}

    bool atEnd() {
        skipCfws();
        return position_ >= text_.size();
    }
    bool failed() const { return !error_.empty(); }
    const std::string& error() const { return error_; }
    std::size_t position() const { return position_; }
    void setPosition(std::size_t position) { position_ = position; }

    void fail(std::string what) {
        if (error_.empty()) {
            error_ = what + " at offset " + std::to_string(position_);
        }
    }

    char peek() {
        skipCfws();
        return position_ < text_.size() ? text_[position_] : '\0';
    }
    bool take(char c) {
        if (peek() == c) {
            ++position_;
            return true;
        }
        return false;
    }

    // CFWS: blanks, line breaks of folding, and (nested (comments)) with \-escapes.
    void skipCfws() {
        while (position_ < text_.size() && error_.empty()) {
            char c = text_[position_];
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                ++position_;
            } else if (c == '(') {
                skipComment();
            } else {
                return;
            }
        }
    }

    // An atom (1*atext), or "" when there is none here.
    std::string atom() {
        skipCfws();
        std::size_t start = position_;
        while (position_ < text_.size() && isAtext(static_cast<unsigned char>(text_[position_]))) {
            ++position_;
        }
        return std::string(text_.substr(start, position_ - start));
    }

    // A quoted string's content; call when peek() == '"'.
    std::string quotedString() {
        ++position_;  // the opening quote
        std::string content;
        while (position_ < text_.size()) {
            char c = text_[position_++];
            if (c == '"') {
                return content;
            }
            if (c == '\\') {
                if (position_ >= text_.size()) {
                    break;
                }
                c = text_[position_++];
            } else if (c == '\0') {
                fail("NUL in a quoted string");
                return content;
            }
            content += c;
        }
        fail("unterminated quoted string");
        return content;
    }

    // A domain literal "[...]"; call when peek() == '['.
    std::string domainLiteral() {
        std::size_t start = position_++;
        while (position_ < text_.size()) {
            char c = text_[position_++];
            if (c == ']') {
                return std::string(text_.substr(start, position_ - start));
            }
            if (c == '[' || c == '\\') {
                fail("bad domain literal");
                return {};
            }
        }
        fail("unterminated domain literal");
        return {};
    }

  private:
    void skipComment() {
        int depth = 0;
        while (position_ < text_.size()) {
            char c = text_[position_++];
            if (c == '\\') {
                // The escaped character, if any: a "\" last must not step past the end.
                position_ += position_ < text_.size() ? 1 : 0;
            } else if (c == '(') {
                if (++depth > kMaxCommentDepth) {
                    fail("comments nested too deep");
                    return;
                }
            } else if (c == ')') {
                if (--depth == 0) {
                    return;
                }
            }
        }
        fail("unterminated comment");
    }

    std::string_view text_;
    std::size_t position_ = 0;
    std::string error_;
};

// word *("." word), for local parts (obs-local-part covers dot-atom and quoted words).
std::string localPart(Reader& in) {
    std::string local;
    while (true) {
        if (in.peek() == '"') {
            local += "\"" + in.quotedString() + "\"";
        } else {
            std::string atom = in.atom();
            if (atom.empty()) {
                in.fail("expected a local part");
                return {};
            }
            local += atom;
        }
        if (!in.take('.')) {
            return local;
        }
        local += '.';
    }
}

// dot-atom or domain-literal (obs-domain: atoms with CFWS around the dots).
std::string domain(Reader& in) {
    if (in.peek() == '[') {
        return in.domainLiteral();
    }
    std::string name;
    while (true) {
        std::string atom = in.atom();
        if (atom.empty()) {
            in.fail("expected a domain");
            return {};
        }
        name += atom;
        if (!in.take('.')) {
            return name;
        }
        name += '.';
    }
}

bool addrSpec(Reader& in, Mailbox& mailbox) {
    mailbox.local_part = localPart(in);
    if (in.failed()) {
        return false;
    }
    if (!in.take('@')) {
        in.fail("expected '@'");
        return false;
    }
    mailbox.domain = domain(in);
    return !in.failed();
}

// obs-route: "@a.example,@b.example:" before the addr-spec in angle brackets.
void skipRoute(Reader& in) {
    if (in.peek() != '@') {
        return;
    }
    while (in.take('@')) {
        domain(in);
        while (in.take(',')) {
        }
        if (in.failed()) {
            return;
        }
    }
    if (!in.take(':')) {
        in.fail("expected ':' after a route");
    }
}

bool angleAddr(Reader& in, Mailbox& mailbox) {
    if (!in.take('<')) {
        in.fail("expected '<'");
        return false;
    }
    skipRoute(in);
    if (in.failed() || !addrSpec(in, mailbox)) {
        return false;
    }
    if (!in.take('>')) {
        in.fail("expected '>'");
        return false;
    }
    return true;
}

// A phrase: words, and (obs-phrase) dots between them; nullopt when there is none here.
// An empty quoted string is a word ("" <a@example.com> has an empty display name).
std::optional<std::string> phrase(Reader& in) {
    std::string words;
    bool found = false;
    while (!in.failed()) {
        char next = in.peek();
        std::string word;
        if (next == '"') {
            word = in.quotedString();
        } else if (next == '.' && !words.empty()) {
            in.take('.');
            word = ".";
        } else {
            word = in.atom();
        }
        if (word.empty() && next != '"') {
            break;
        }
        words += (!found || word == "." ? "" : " ") + word;
        found = true;
    }
    if (!found) {
        return std::nullopt;
    }
    return words;
}

// mailbox = name-addr / addr-spec. Both may start with a word, so try the phrase first
// and fall back to an addr-spec from the same position.
bool mailbox(Reader& in, Mailbox& out, bool allowGroup, bool& wasGroup,
             std::vector<Mailbox>& groupMembers);

bool groupList(Reader& in, std::vector<Mailbox>& members) {
    if (in.take(';')) {
        return true;  // an empty group: "undisclosed-recipients:;"
    }
    while (true) {
        if (in.peek() == ',') {  // obs-group-list: empty elements
            in.take(',');
            continue;
        }
        Mailbox member;
        bool nested = false;
        std::vector<Mailbox> ignored;
        if (!mailbox(in, member, false, nested, ignored)) {
            return false;
        }
        members.push_back(std::move(member));
        if (in.take(';')) {
            return true;
        }
        if (!in.take(',')) {
            in.fail("expected ',' or ';' in a group");
            return false;
        }
    }
}

bool mailbox(Reader& in, Mailbox& out, bool allowGroup, bool& wasGroup,
             std::vector<Mailbox>& groupMembers) {
    wasGroup = false;
    std::size_t start = in.position();
    if (in.peek() == '<') {
        return angleAddr(in, out);
    }
    auto name = phrase(in);
    if (in.failed()) {
        return false;
    }
    char next = in.peek();
    if (next == '<' && name) {
        out.display_name = *name;
        return angleAddr(in, out);
    }
    if (next == ':' && name) {
        if (!allowGroup) {
            in.fail("a group is not allowed here");
            return false;
        }
        in.take(':');
        wasGroup = true;
        return groupList(in, groupMembers);
    }
    in.setPosition(start);
    return addrSpec(in, out);
}

}  // namespace

Result<std::vector<Mailbox>> parseAddresses(std::string_view text, AddressSyntax syntax) {
    Reader in(text);
    std::vector<Mailbox> found;
    bool allowGroup =
        syntax == AddressSyntax::AddressList || syntax == AddressSyntax::OptionalAddressList;
    if (in.atEnd()) {
        if (syntax == AddressSyntax::OptionalAddressList && !in.failed()) {
            return found;
        }
        return makeError(in.failed() ? in.error() : "no address");
    }
    std::size_t addresses = 0;
    while (true) {
        if (in.peek() == ',' && syntax != AddressSyntax::Mailbox) {  // obs: empty elements
            in.take(',');
            if (in.atEnd()) {
                break;
            }
            continue;
        }
        Mailbox one;
        bool group = false;
        std::vector<Mailbox> members;
        if (!mailbox(in, one, allowGroup, group, members)) {
            return makeError(in.error());
        }
        ++addresses;
        if (group) {
            found.insert(found.end(), members.begin(), members.end());
        } else {
            found.push_back(std::move(one));
        }
        if (in.atEnd()) {
            break;
        }
        if (syntax == AddressSyntax::Mailbox) {
            return makeError("more than one address where one mailbox is allowed");
        }
        if (!in.take(',')) {
            in.fail("expected ','");
            return makeError(in.error());
        }
    }
    if (in.failed()) {
        return makeError(in.error());
    }
    if (addresses == 0) {
        return makeError("no address");
    }
    return found;
}

}  // namespace mailgate
