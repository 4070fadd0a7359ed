// The messages of an mbox file, one at a time (see MboxReader.hpp).
#include "gateway/message/MboxReader.hpp"

namespace mailgate {
namespace {

bool isPostmark(const std::string& line) {
    return line.compare(0, 5, "From ") == 0;
}

// ">From " and ">>From " lose one ">"; other lines are kept as they are.
void appendUnquoted(std::string& message, const std::string& line) {
    std::size_t quotes = 0;
    while (quotes < line.size() && line[quotes] == '>') {
        ++quotes;
    }
    bool quotedPostmark = quotes > 0 && line.compare(quotes, 5, "From ") == 0;
    message.append(line, quotedPostmark ? 1 : 0, std::string::npos);
    message += '\n';
}

}  // namespace

std::optional<std::string> MboxReader::next() {
    std::string line;
    if (!started_) {
        // Anything before the first postmark is not a message.
        while (std::getline(in_, line)) {
            if (isPostmark(line)) {
                started_ = true;
                break;
            }
        }
        if (!started_) {
            return std::nullopt;
        }
    }
    while (in_.good()) {
        std::string message;
        bool tooLarge = false;
        bool previousEmpty = false;
        bool ended = true;  // the stream ended rather than another postmark came
        while (std::getline(in_, line)) {
            if (!line.empty() && line.back() == '\r') {
                line.pop_back();
            }
            if (previousEmpty && isPostmark(line)) {
                ended = false;
                break;
            }
            previousEmpty = line.empty();
            if (tooLarge) {
                continue;
            }
            appendUnquoted(message, line);
            if (message.size() > max_message_bytes_) {
                tooLarge = true;
                message.clear();
                message.shrink_to_fit();
            }
        }
        if (tooLarge) {
            ++skipped_too_large_;
            if (ended) {
                return std::nullopt;
            }
            continue;
        }
        // The empty line before the next postmark belongs to the mbox, not the message.
        if (!ended && !message.empty() && message.back() == '\n' &&
            (message.size() == 1 || message[message.size() - 2] == '\n')) {
            message.pop_back();
        }
        if (!message.empty()) {
            return message;
        }
        if (ended) {
            return std::nullopt;
        }
    }
    return std::nullopt;
}

}  // namespace mailgate
