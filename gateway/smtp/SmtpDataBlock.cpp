// Dot-stuffing and line-ending normalisation of outgoing message data (see SmtpDataBlock.hpp).
#include "gateway/smtp/SmtpDataBlock.hpp"

namespace mailgate {

SmtpDataBlock SmtpDataBlock::encode(std::string_view message) {
    SmtpDataBlock block;
    block.bytes.reserve(message.size() + message.size() / 32 + 8);
    std::size_t stuffed = 0;
    bool lineStart = true;
    for (std::size_t i = 0; i < message.size(); ++i) {
        char c = message[i];
        if (c == '\r' || c == '\n') {
            if (c == '\r' && i + 1 < message.size() && message[i + 1] == '\n') {
                ++i;
            }
            block.bytes += "\r\n";
            lineStart = true;
            continue;
        }
        if (lineStart && c == '.') {
            block.bytes += '.';
            ++stuffed;
        }
        if (static_cast<unsigned char>(c) >= 0x80) {
            block.eight_bit = true;
        }
        block.bytes += c;
        lineStart = false;
    }
    if (!lineStart) {
        block.bytes += "\r\n";
    }
    block.message_size = block.bytes.size() - stuffed;
    block.bytes += ".\r\n";
    return block;
}

}  // namespace mailgate
