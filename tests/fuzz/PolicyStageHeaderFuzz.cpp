// libFuzzer target: reading X-Mailgate-Policy header values, which arrive from anyone
// who can send mail. A value must never verify without the secret; and a record signed
// from whatever fields the input yields must verify and read back the same.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "gateway/engine/PolicyStageHeader.hpp"

namespace {
const std::string kSecret = "fuzzing-secret-0123456789abcdef";
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    if (mailgate::verifyPolicyStageHeader(text, kSecret)) {
        std::abort();  // a forged value verified
    }
    (void)mailgate::readPolicyStageHeaders({std::string(text)}, kSecret, "192.0.2.1", "a@b", 0,
                                           3600);
    mailgate::PolicyStageRecord record;
    record.client_address = "192.0.2.1";
    record.sender = std::string(text.substr(0, size / 3));
    record.symbols.push_back({std::string(text.substr(size / 3, size / 3)), 1.5, "detail"});
    record.headers.push_back({"X-Test", std::string(text.substr(2 * (size / 3)))});
    auto read = mailgate::verifyPolicyStageHeader(mailgate::signPolicyStageRecord(record, kSecret),
                                                  kSecret);
    if (!read || read->sender != record.sender ||
        read->symbols.at(0).name != record.symbols[0].name ||
        read->headers.at(0).value != record.headers[0].value) {
        std::abort();
    }
    return 0;
}
