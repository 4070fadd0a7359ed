// The released copy of a quarantined message (see ReleasedCopy.hpp).
#include "gateway/quarantine/ReleasedCopy.hpp"

#include <strings.h>

#include <ctime>

#include "gateway/mime/MailDate.hpp"

namespace mailgate {
namespace {

constexpr std::string_view kDropped[] = {"Return-Path", "Delivered-To"};

bool isDropped(std::string_view line) {
    auto colon = line.find(':');
    if (colon == std::string_view::npos) {
        return false;
    }
    std::string_view name = line.substr(0, colon);
    while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) {
        name.remove_suffix(1);
    }
    for (auto dropped : kDropped) {
        if (name.size() == dropped.size() &&
            strncasecmp(name.data(), dropped.data(), dropped.size()) == 0) {
            return true;
        }
    }
    return false;
}

// Control bytes and line ends out of a value written into a header field.
std::string printable(std::string_view text) {
    std::string out;
    for (char c : text.substr(0, 200)) {
        out += (static_cast<unsigned char>(c) < 32 || c == 127) ? ' ' : c;
    }
    return out;
}

}  // namespace

std::string releasedField(std::string_view releasedBy, std::int64_t releasedAt,
                          std::string_view mailgateId) {
    return "X-Mailgate-Released: " + formatMailDate(releasedAt) + " by " + printable(releasedBy) +
           " (quarantine entry " + printable(mailgateId) + ")";
}

std::string releasedCopy(std::string_view message, std::string_view releasedBy,
                         std::int64_t releasedAt, std::string_view mailgateId) {
    std::string copy;
    copy.reserve(message.size() + 128);
    copy += releasedField(releasedBy, releasedAt, mailgateId);
    copy += "\r\n";
    std::size_t position = 0;
    bool dropping = false;
    while (position < message.size()) {
        auto end = message.find('\n', position);
        std::size_t next = end == std::string_view::npos ? message.size() : end + 1;
        std::string_view line = message.substr(position, next - position);
        std::string_view content = line;
        while (!content.empty() && (content.back() == '\n' || content.back() == '\r')) {
            content.remove_suffix(1);
        }
        if (content.empty()) {  // the end of the header section: the rest is the body
            copy.append(message.substr(position));
            return copy;
        }
        bool continuation = content.front() == ' ' || content.front() == '\t';
        if (!continuation) {
            dropping = isDropped(content);
        }
        if (!dropping) {
            copy.append(line);
        }
        position = next;
    }
    return copy;
}

}  // namespace mailgate
