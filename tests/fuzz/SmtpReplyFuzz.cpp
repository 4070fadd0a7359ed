// libFuzzer target: a remote server's bytes through the SMTP client's reply reader
// (gateway/smtp/SmtpReplyReader), fed in two pieces split at a position taken from the
// first byte, under tight limits, with each reply's EHLO keywords read too. Nothing may
// crash, every reply accepted keeps to the limits and has a code from 200 to 599, and
// no more than one line's worth of bytes is ever left waiting.
// The same bytes as a message to send must come out as a DATA block with CRLF lines only
// and its end of data only at the end.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "gateway/smtp/SmtpCapabilities.hpp"
#include "gateway/smtp/SmtpDataBlock.hpp"
#include "gateway/smtp/SmtpReplyReader.hpp"

namespace {

constexpr mailgate::SmtpReplyLimits kLimits{64, 8};

void checkReply(const mailgate::SmtpServerReply& reply) {
    if (reply.code < 200 || reply.code > 599 || reply.lines.empty() ||
        reply.lines.size() > kLimits.max_lines) {
        std::abort();
    }
    for (const auto& line : reply.lines) {
        if (line.size() > kLimits.max_line_length) {
            std::abort();
        }
    }
    auto capabilities = mailgate::SmtpCapabilities::fromEhloReply(reply);
    if (capabilities.keywords.size() >= reply.lines.size()) {
        std::abort();
    }
}

void checkDataBlock(std::string_view message) {
    auto block = mailgate::SmtpDataBlock::encode(message);
    std::string_view bytes = block.bytes;
    if (bytes.size() < 3 || bytes.substr(bytes.size() - 3) != ".\r\n" ||
        bytes.find("\r\n.\r\n") < bytes.size() - 5 ||
        (bytes.size() > 3 && bytes.substr(0, 3) == ".\r\n")) {
        std::abort();
    }
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        bool crWithoutLf = bytes[i] == '\r' && (i + 1 == bytes.size() || bytes[i + 1] != '\n');
        bool lfWithoutCr = bytes[i] == '\n' && (i == 0 || bytes[i - 1] != '\r');
        if (crWithoutLf || lfWithoutCr) {
            std::abort();
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) {
        return 0;
    }
    std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
    checkDataBlock(input);
    std::size_t split = data[0] % (input.size() + 1);
    mailgate::SmtpReplyReader reader(kLimits);
    reader.feed(input.substr(0, split));
    for (int round = 0; round < 2; ++round) {
        while (true) {
            auto next = reader.next();
            if (!next) {
                return 0;  // a protocol error ends the connection
            }
            if (!next->has_value()) {
                break;
            }
            checkReply(**next);
        }
        if (reader.pendingBytes() > kLimits.max_line_length + 1) {
            std::abort();
        }
        reader.feed(input.substr(split));
    }
    return 0;
}
