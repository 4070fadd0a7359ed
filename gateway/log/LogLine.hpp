// LogLine: one log record as ordered key=value fields, the format every mailgate decision
// is logged in so a postmaster can grep a message's story by queue_id or mailgate_id.
// Values are quoted and escaped when they hold blanks, quotes or control bytes, so a
// hostile envelope cannot forge extra fields or lines. It does not write anywhere.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace mailgate {

class LogLine {
  public:
    explicit LogLine(std::string_view event) { add("event", event); }

    LogLine& add(std::string_view key, std::string_view value);
    LogLine& add(std::string_view key, const char* value) {
        return add(key, std::string_view(value));
    }
    LogLine& add(std::string_view key, const std::string& value) {
        return add(key, std::string_view(value));
    }
    LogLine& add(std::string_view key, std::int64_t value);
    LogLine& add(std::string_view key, std::uint64_t value);
    LogLine& add(std::string_view key, int value) {
        return add(key, static_cast<std::int64_t>(value));
    }
    LogLine& add(std::string_view key, bool value) { return add(key, value ? "yes" : "no"); }

    const std::string& text() const { return text_; }

  private:
    std::string text_;
};

// The value as it appears after "key=": bare when safe, otherwise in double quotes with
// \" \\ \n \r \t and \xHH escapes.
std::string formatLogValue(std::string_view value);

}  // namespace mailgate
