// Digests as hex text (see Digests.hpp).
#include "gateway/util/Digests.hpp"

#include <openssl/evp.h>

namespace mailgate {
namespace {

std::string digestHex(std::string_view data, const EVP_MD* kind) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    EVP_Digest(data.data(), data.size(), digest, &size, kind, nullptr);
    return hexEncode(digest, size);
}

}  // namespace

std::string hexEncode(const unsigned char* bytes, std::size_t size) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string hex;
    hex.reserve(size * 2);
    for (std::size_t i = 0; i < size; ++i) {
        hex += kDigits[bytes[i] >> 4];
        hex += kDigits[bytes[i] & 0x0F];
    }
    return hex;
}

std::string sha1Hex(std::string_view data) {
    return digestHex(data, EVP_sha1());
}

std::string sha256Hex(std::string_view data) {
    return digestHex(data, EVP_sha256());
}

}  // namespace mailgate
