// Validation of the SMTP client's settings (see SmtpClientSettings.hpp).
#include "gateway/smtp/SmtpClientSettings.hpp"

#include <utility>
#include <vector>

namespace mailgate {

Result<void> validateSmtpClientSettings(const SmtpClientSettings& settings) {
    if (settings.helo_name.empty()) {
        return makeError("helo_name is empty");
    }
    for (char c : settings.helo_name) {
        auto byte = static_cast<unsigned char>(c);
        if (byte <= ' ' || byte >= 0x7f) {
            return makeError("helo_name holds a blank, control or non-ASCII byte");
        }
    }
    const std::vector<std::pair<const char*, std::int64_t>> timeouts = {
        {"connect_timeout_ms", settings.connect_timeout_ms},
        {"greeting_timeout_ms", settings.greeting_timeout_ms},
        {"command_timeout_ms", settings.command_timeout_ms},
        {"data_block_timeout_ms", settings.data_block_timeout_ms},
        {"final_dot_timeout_ms", settings.final_dot_timeout_ms},
    };
    for (const auto& [name, value] : timeouts) {
        if (value <= 0) {
            return makeError(std::string(name) + " must be positive");
        }
    }
    if (settings.reply_limits.max_line_length == 0 || settings.reply_limits.max_lines == 0) {
        return makeError("reply limits must be positive");
    }
    return {};
}

}  // namespace mailgate
