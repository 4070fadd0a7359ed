// MilterProtocol: the wire format of the Sendmail milter protocol, version 6, as the MTA
// side of mailgate_milter_bench writes and reads it. Values are those of libmilter's
// mfdef.h and mfapi.h, spelled out here so the benchmark builds without libmilter.
// A packet is a 32-bit big-endian length (command byte included), the command byte and
// its data; strings are NUL-terminated. It frames packets; what to send when, and what a
// reply means, is MilterProtocolBench.cpp's business.
#pragma once

#include <arpa/inet.h>

#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

namespace mailgate::bench {

inline constexpr std::uint32_t kMilterVersion = 6;
inline constexpr std::size_t kMilterChunkSize = 65535;  // body bytes per SMFIC_BODY

// Commands the MTA sends (SMFIC_*).
namespace smfic {
inline constexpr char abort = 'A';
inline constexpr char body = 'B';
inline constexpr char connect = 'C';
inline constexpr char macro = 'D';
inline constexpr char endOfBody = 'E';
inline constexpr char helo = 'H';
inline constexpr char header = 'L';
inline constexpr char mail = 'M';
inline constexpr char endOfHeaders = 'N';
inline constexpr char optionNegotiation = 'O';
inline constexpr char quit = 'Q';
inline constexpr char recipient = 'R';
inline constexpr char data = 'T';
}  // namespace smfic

// Replies the milter sends (SMFIR_*).
namespace smfir {
inline constexpr char addRecipient = '+';
inline constexpr char deleteRecipient = '-';
inline constexpr char addRecipientWithArguments = '2';
inline constexpr char shutdown = '4';
inline constexpr char accept = 'a';
inline constexpr char replaceBody = 'b';
inline constexpr char continueProcessing = 'c';
inline constexpr char discard = 'd';
inline constexpr char changeSender = 'e';
inline constexpr char connectionFailure = 'f';
inline constexpr char addHeader = 'h';
inline constexpr char insertHeader = 'i';
inline constexpr char changeHeader = 'm';
inline constexpr char progress = 'p';
inline constexpr char quarantine = 'q';
inline constexpr char reject = 'r';
inline constexpr char skip = 's';
inline constexpr char tempfail = 't';
inline constexpr char replyCode = 'y';
}  // namespace smfir

// Protocol steps (SMFIP_*): events the milter does not want, replies it will not send.
namespace smfip {
inline constexpr std::uint32_t noConnect = 0x1;
inline constexpr std::uint32_t noHelo = 0x2;
inline constexpr std::uint32_t noMail = 0x4;
inline constexpr std::uint32_t noRecipient = 0x8;
inline constexpr std::uint32_t noBody = 0x10;
inline constexpr std::uint32_t noHeaders = 0x20;
inline constexpr std::uint32_t noEndOfHeaders = 0x40;
inline constexpr std::uint32_t noReplyHeader = 0x80;
inline constexpr std::uint32_t noData = 0x200;
inline constexpr std::uint32_t skip = 0x400;
inline constexpr std::uint32_t noReplyConnect = 0x1000;
inline constexpr std::uint32_t noReplyHelo = 0x2000;
inline constexpr std::uint32_t noReplyMail = 0x4000;
inline constexpr std::uint32_t noReplyRecipient = 0x8000;
inline constexpr std::uint32_t noReplyData = 0x10000;
inline constexpr std::uint32_t noReplyEndOfHeaders = 0x40000;
inline constexpr std::uint32_t noReplyBody = 0x80000;
inline constexpr std::uint32_t headerLeadingSpace = 0x100000;
inline constexpr std::uint32_t all = 0x1FFFFF;  // SMFI_CURR_PROT: what Postfix 3.x offers
}  // namespace smfip

// Actions (SMFIF_*): Postfix offers all nine, SMFI_CURR_ACTS.
inline constexpr std::uint32_t kAllMilterActions = 0x1FF;

// Macro stages (SMFIM_*), the index in a milter's symbol lists.
enum class MacroStage : std::uint32_t {
    connect = 0,
    helo = 1,
    mail = 2,
    recipient = 3,
    data = 4,
    endOfMessage = 5,
    endOfHeaders = 6,
};
inline constexpr std::size_t kMacroStages = 7;

inline void appendMilterUint32(std::string& out, std::uint32_t value) {
    std::uint32_t network = htonl(value);
    out.append(reinterpret_cast<const char*>(&network), sizeof network);
}

inline void appendMilterString(std::string& out, std::string_view text) {
    out.append(text).push_back('\0');
}

// Appends one packet: length, command, data.
inline void appendMilterPacket(std::string& out, char command, std::string_view data) {
    appendMilterUint32(out, static_cast<std::uint32_t>(data.size() + 1));
    out.push_back(command);
    out.append(data);
}

inline std::uint32_t readMilterUint32(std::string_view bytes) {
    std::uint32_t network = 0;
    std::memcpy(&network, bytes.data(), sizeof network);
    return ntohl(network);
}

// Reads NUL-terminated strings off the front of a reply's data.
class MilterDataReader {
  public:
    explicit MilterDataReader(std::string_view data) : rest_(data) {}

    std::optional<std::uint32_t> uint32() {
        if (rest_.size() < 4) {
            return std::nullopt;
        }
        auto value = readMilterUint32(rest_);
        rest_.remove_prefix(4);
        return value;
    }
    std::optional<std::string_view> string() {
        auto end = rest_.find('\0');
        if (end == std::string_view::npos) {
            return std::nullopt;
        }
        auto text = rest_.substr(0, end);
        rest_.remove_prefix(end + 1);
        return text;
    }
    bool empty() const { return rest_.empty(); }

  private:
    std::string_view rest_;
};

}  // namespace mailgate::bench
