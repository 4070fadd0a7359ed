// Generation of mailgate message IDs (see MailgateId.hpp).
#include "gateway/message/MailgateId.hpp"

#include <chrono>

namespace mailgate {
namespace {

constexpr char kAlphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";  // Crockford base32

void appendBase32(std::string& out, std::uint64_t value, std::size_t digits) {
    for (std::size_t i = digits; i-- > 0;) {
        out += kAlphabet[(value >> (5 * i)) & 31];
    }
}

constexpr std::size_t kTimeDigits = 10;
constexpr std::size_t kRandomDigits = 8;

}  // namespace

MailgateIdGenerator::MailgateIdGenerator() : random_(std::random_device{}()) {}

std::string MailgateIdGenerator::format(std::uint64_t millisecondsSinceEpoch,
                                        std::uint64_t randomBits) {
    std::string id;
    id.reserve(kTimeDigits + kRandomDigits);
    appendBase32(id, millisecondsSinceEpoch, kTimeDigits);
    appendBase32(id, randomBits, kRandomDigits);
    return id;
}

std::string MailgateIdGenerator::next() {
    auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::system_clock::now().time_since_epoch())
                   .count();
    std::uint64_t bits;
    {
        std::lock_guard lock(mutex_);
        bits = random_();
    }
    return format(static_cast<std::uint64_t>(now), bits);
}

std::optional<std::uint64_t> millisecondsOfMailgateId(std::string_view id) {
    if (id.size() != kTimeDigits + kRandomDigits) {
        return std::nullopt;
    }
    std::string_view alphabet(kAlphabet, sizeof kAlphabet - 1);
    std::uint64_t milliseconds = 0;
    for (std::size_t i = 0; i < id.size(); ++i) {
        auto digit = alphabet.find(id[i]);
        if (digit == std::string_view::npos) {
            return std::nullopt;
        }
        if (i < kTimeDigits) {
            milliseconds = (milliseconds << 5) | digit;
        }
    }
    return milliseconds;
}

}  // namespace mailgate
