// Digests as lower-case hex text: SHA-1 (MIME part digests, greylist script names),
// SHA-256 (the statistical filter's message and recipient digests) and the hex encoding
// itself (HMACs). OpenSSL does the hashing; nothing here is a secret comparison.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace mailgate {

std::string hexEncode(const unsigned char* bytes, std::size_t size);
std::string sha1Hex(std::string_view data);
std::string sha256Hex(std::string_view data);

}  // namespace mailgate
