// Formatting of key=value log records (see LogLine.hpp).
#include "gateway/log/LogLine.hpp"

namespace mailgate {
namespace {

bool needsQuoting(std::string_view value) {
    if (value.empty()) {
        return true;
    }
    for (unsigned char c : value) {
        if (c <= ' ' || c == '"' || c == '=' || c == '\\' || c == 0x7f) {
            return true;
        }
    }
    return false;
}

}  // namespace

std::string formatLogValue(std::string_view value) {
    if (!needsQuoting(value)) {
        return std::string(value);
    }
    static const char hex[] = "0123456789abcdef";
    std::string out = "\"";
    for (unsigned char c : value) {
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            default:
                if (c < ' ' || c == 0x7f) {
                    out += "\\x";
                    out += hex[c >> 4];
                    out += hex[c & 0xf];
                } else {
                    out += static_cast<char>(c);
                }
        }
    }
    return out + "\"";
}

LogLine& LogLine::add(std::string_view key, std::string_view value) {
    if (!text_.empty()) {
        text_ += ' ';
    }
    text_.append(key);
    text_ += '=';
    text_ += formatLogValue(value);
    return *this;
}

LogLine& LogLine::add(std::string_view key, std::int64_t value) {
    return add(key, std::string_view(std::to_string(value)));
}

LogLine& LogLine::add(std::string_view key, std::uint64_t value) {
    return add(key, std::string_view(std::to_string(value)));
}

}  // namespace mailgate
