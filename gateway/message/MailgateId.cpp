// Generation of mailgate message IDs (see MailgateId.hpp).
#include "gateway/message/MailgateId.hpp"

#include <chrono>

namespace mailgate {
namespace {

constexpr char kAlphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";  // Crockford base32

void appendBase32(std::string& out, std::uint64_t value, int digits) {
    for (int i = digits - 1; i >= 0; --i) {
        out += kAlphabet[(value >> (5 * i)) & 31];
    }
}

}  // namespace

MailgateIdGenerator::MailgateIdGenerator() : random_(std::random_device{}()) {}

std::string MailgateIdGenerator::format(std::uint64_t millisecondsSinceEpoch,
                                        std::uint64_t randomBits) {
    std::string id;
    id.reserve(18);
    appendBase32(id, millisecondsSinceEpoch, 10);
    appendBase32(id, randomBits, 8);
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

}  // namespace mailgate
