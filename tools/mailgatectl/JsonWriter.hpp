// JsonWriter: the JSON that mailgatectl prints for scripts and tests (scan --json,
// greylist --json): objects and arrays written in order, commas placed for the caller,
// strings escaped, and any byte sequence that is not valid UTF-8 written as U+FFFD, so the
// output always parses whatever a hostile message contained. It builds text only.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

namespace mailgate {

class JsonWriter {
  public:
    JsonWriter& beginObject() { return open('{'); }
    JsonWriter& endObject() { return close('}'); }
    JsonWriter& beginArray() { return open('['); }
    JsonWriter& endArray() { return close(']'); }

    JsonWriter& key(std::string_view name) {
        separate();
        writeString(name);
        text_ += ':';
        after_key_ = true;
        return *this;
    }
    JsonWriter& value(std::string_view text) {
        separate();
        writeString(text);
        return *this;
    }
    JsonWriter& value(bool flag) { return raw(flag ? "true" : "false"); }
    JsonWriter& value(std::int64_t number) { return raw(std::to_string(number)); }
    JsonWriter& value(int number) { return raw(std::to_string(number)); }
    JsonWriter& value(std::uint64_t number) { return raw(std::to_string(number)); }
    JsonWriter& value(double number) {
        if (!std::isfinite(number)) {
            return raw("null");
        }
        char buffer[32];
        std::snprintf(buffer, sizeof buffer, "%.10g", number);
        return raw(buffer);
    }

    template <class T>
    JsonWriter& field(std::string_view name, const T& fieldValue) {
        key(name);
        if constexpr (std::is_convertible_v<const T&, std::string_view>) {
            return value(std::string_view(fieldValue));
        } else {
            return value(fieldValue);
        }
    }

    const std::string& text() const { return text_; }

  private:
    JsonWriter& open(char bracket) {
        separate();
        text_ += bracket;
        first_.push_back(true);
        return *this;
    }
    JsonWriter& close(char bracket) {
        text_ += bracket;
        first_.pop_back();
        return *this;
    }
    JsonWriter& raw(std::string_view literal) {
        separate();
        text_ += literal;
        return *this;
    }
    void separate() {
        if (after_key_) {
            after_key_ = false;
            return;
        }
        if (!first_.empty()) {
            if (!first_.back()) {
                text_ += ',';
            }
            first_.back() = false;
        }
    }

    // The length of the valid UTF-8 sequence at text[i], or 0 when it is not one (RFC 3629:
    // no overlong forms, no surrogates, nothing above U+10FFFF).
    static std::size_t utf8Length(std::string_view text, std::size_t i) {
        auto at = [&](std::size_t k) { return static_cast<unsigned char>(text[i + k]); };
        unsigned char lead = at(0);
        std::size_t length = 0;
        unsigned char low = 0x80, high = 0xBF;  // the allowed range of the second byte
        if (lead >= 0xC2 && lead <= 0xDF) {
            length = 2;
        } else if (lead >= 0xE0 && lead <= 0xEF) {
            length = 3;
            low = lead == 0xE0 ? 0xA0 : 0x80;
            high = lead == 0xED ? 0x9F : 0xBF;
        } else if (lead >= 0xF0 && lead <= 0xF4) {
            length = 4;
            low = lead == 0xF0 ? 0x90 : 0x80;
            high = lead == 0xF4 ? 0x8F : 0xBF;
        }
        if (length == 0 || i + length > text.size() || at(1) < low || at(1) > high) {
            return 0;
        }
        for (std::size_t k = 2; k < length; ++k) {
            if ((at(k) & 0xC0) != 0x80) {
                return 0;
            }
        }
        return length;
    }

    void writeString(std::string_view value) {
        text_ += '"';
        for (std::size_t i = 0; i < value.size(); ++i) {
            auto c = static_cast<unsigned char>(value[i]);
            if (c == '"' || c == '\\') {
                text_ += '\\';
                text_ += static_cast<char>(c);
            } else if (c < 0x20) {
                char escape[8];
                std::snprintf(escape, sizeof escape, "\\u%04x", c);
                text_ += escape;
            } else if (c < 0x80) {
                text_ += static_cast<char>(c);
            } else if (auto length = utf8Length(value, i)) {
                text_.append(value.substr(i, length));
                i += length - 1;
            } else {
                text_ += "\\ufffd";
            }
        }
        text_ += '"';
    }

    std::string text_;
    std::vector<bool> first_;
    bool after_key_ = false;
};

}  // namespace mailgate
