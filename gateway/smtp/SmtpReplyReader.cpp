// Parsing of remote SMTP servers' replies (see SmtpReplyReader.hpp and SmtpServerReply.hpp).
#include "gateway/smtp/SmtpReplyReader.hpp"

#include <algorithm>
#include <utility>

namespace mailgate {

namespace {

bool isDigit(char c) {
    return c >= '0' && c <= '9';
}

// The length of a run of 1 to 3 digits at `position`, 0 when there is none.
std::size_t digitRun(std::string_view text, std::size_t position) {
    std::size_t length = 0;
    while (position + length < text.size() && isDigit(text[position + length]) && length < 4) {
        ++length;
    }
    return length <= 3 ? length : 0;
}

// The enhanced status code ("4.2.2") at the start of `text` when its class is `replyClass`
// and a space or the end follows it (RFC 3463: class.subject.detail), "" otherwise.
std::string_view enhancedStatusAt(std::string_view text, char replyClass) {
    if (text.size() < 5 || text[0] != replyClass || text[1] != '.') {
        return {};
    }
    std::size_t subject = digitRun(text, 2);
    if (subject == 0 || 2 + subject >= text.size() || text[2 + subject] != '.') {
        return {};
    }
    std::size_t detailStart = 3 + subject;
    std::size_t detail = digitRun(text, detailStart);
    std::size_t end = detailStart + detail;
    if (detail == 0 || (end < text.size() && text[end] != ' ')) {
        return {};
    }
    return text.substr(0, end);
}

// A short excerpt of a bad line for the error message (the logger escapes it).
std::string excerpt(std::string_view line) {
    constexpr std::size_t kMaximum = 40;
    return "\"" + std::string(line.substr(0, kMaximum)) + (line.size() > kMaximum ? "...\"" : "\"");
}

}  // namespace

void SmtpReplyReader::clear() {
    buffer_.clear();
    position_ = 0;
    current_ = SmtpServerReply{};
}

// True when the line ends the reply.
Result<bool> SmtpReplyReader::acceptLine(std::string_view line) {
    if (line.size() > limits_.max_line_length) {
        return makeError("reply line longer than " + std::to_string(limits_.max_line_length) +
                         " bytes");
    }
    if (current_.lines.size() >= limits_.max_lines) {
        return makeError("reply of more than " + std::to_string(limits_.max_lines) + " lines");
    }
    if (line.size() < 3 || !isDigit(line[0]) || !isDigit(line[1]) || !isDigit(line[2])) {
        return makeError("reply line without a 3-digit code: " + excerpt(line));
    }
    int code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
    if (code < 200 || code > 599) {
        return makeError("reply code " + std::to_string(code) + " out of range");
    }
    if (line.size() > 3 && line[3] != ' ' && line[3] != '-') {
        return makeError("reply code not followed by a space or a hyphen: " + excerpt(line));
    }
    if (!current_.lines.empty() && code != current_.code) {
        return makeError("reply line with code " + std::to_string(code) + " inside a " +
                         std::to_string(current_.code) + " reply");
    }
    bool last = line.size() == 3 || line[3] == ' ';
    std::string_view text = line.size() > 4 ? line.substr(4) : std::string_view{};
    if (current_.lines.empty()) {
        current_.code = code;
        current_.enhanced_status = std::string(enhancedStatusAt(text, line[0]));
    }
    const std::string& status = current_.enhanced_status;
    if (!status.empty() && text.substr(0, status.size()) == status &&
        (text.size() == status.size() || text[status.size()] == ' ')) {
        text.remove_prefix(std::min(text.size(), status.size() + 1));
    }
    current_.lines.emplace_back(text);
    return last;
}

Result<std::optional<SmtpServerReply>> SmtpReplyReader::next() {
    while (true) {
        auto newline = buffer_.find('\n', position_);
        if (newline == std::string::npos) {
            // One more byte than a line may hold: its CR, when the LF has not come yet.
            if (buffer_.size() - position_ > limits_.max_line_length + 1) {
                return makeError("reply line longer than " +
                                 std::to_string(limits_.max_line_length) + " bytes");
            }
            buffer_.erase(0, position_);
            position_ = 0;
            return std::optional<SmtpServerReply>{};
        }
        std::string_view line(buffer_.data() + position_, newline - position_);
        position_ = newline + 1;
        if (!line.empty() && line.back() == '\r') {
            line.remove_suffix(1);
        }
        auto accepted = acceptLine(line);
        if (!accepted) {
            return makeError(accepted.error());
        }
        if (*accepted) {
            std::optional<SmtpServerReply> reply(std::move(current_));
            current_ = SmtpServerReply{};
            return reply;
        }
    }
}

}  // namespace mailgate
