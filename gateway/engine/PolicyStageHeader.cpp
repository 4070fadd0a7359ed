// Signing and reading X-Mailgate-Policy (see PolicyStageHeader.hpp).
#include "gateway/engine/PolicyStageHeader.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <strings.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>

#include "gateway/net/IpAddress.hpp"
#include "gateway/util/Digests.hpp"

namespace mailgate {
namespace {

bool isPlainByte(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '@' || c == '_' ||
           c == '-' || c == '/' || c == '+';
}

// Percent-encodes every byte that could be read as structure (; , : = % blanks, controls).
std::string encode(std::string_view text) {
    std::string out;
    char escape[4];
    for (char c : text) {
        if (isPlainByte(c)) {
            out += c;
        } else {
            std::snprintf(escape, sizeof escape, "%%%02X", static_cast<unsigned char>(c));
            out += escape;
        }
    }
    return out;
}

Result<std::string> decode(std::string_view text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '%') {
            out += text[i];
            continue;
        }
        if (i + 2 >= text.size() || !std::isxdigit(static_cast<unsigned char>(text[i + 1])) ||
            !std::isxdigit(static_cast<unsigned char>(text[i + 2]))) {
            return makeError("bad %-escape");
        }
        out +=
            static_cast<char>(std::strtol(std::string(text.substr(i + 1, 2)).c_str(), nullptr, 16));
        i += 2;
    }
    return out;
}

std::vector<std::string_view> split(std::string_view text, char separator) {
    std::vector<std::string_view> parts;
    if (text.empty()) {
        return parts;
    }
    while (true) {
        auto at = text.find(separator);
        parts.push_back(text.substr(0, at));
        if (at == std::string_view::npos) {
            return parts;
        }
        text.remove_prefix(at + 1);
    }
}

std::string hmacHex(std::string_view text, const std::string& secret) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
         reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest, &length);
    return hexEncode(digest, length);
}

std::string formatScore(double score) {
    char text[32];
    std::snprintf(text, sizeof text, "%.10g", score);
    return text;
}

constexpr std::string_view kSignature = "; sig=";

Result<void> readSymbols(std::string_view text, PolicyStageRecord& record) {
    for (auto item : split(text, ',')) {
        auto fields = split(item, ':');
        if (fields.size() != 3) {
            return makeError("bad symbol");
        }
        auto name = decode(fields[0]);
        auto detail = decode(fields[2]);
        char* end = nullptr;
        std::string number(fields[1]);
        double score = std::strtod(number.c_str(), &end);
        if (!name || !detail || number.empty() || *end != '\0') {
            return makeError("bad symbol");
        }
        record.symbols.push_back({*name, score, *detail});
    }
    return {};
}

Result<void> readHeaders(std::string_view text, PolicyStageRecord& record) {
    for (auto item : split(text, ',')) {
        auto fields = split(item, ':');
        auto name = fields.size() == 2 ? decode(fields[0]) : Result<std::string>(makeError(""));
        auto value = fields.size() == 2 ? decode(fields[1]) : Result<std::string>(makeError(""));
        if (!name || !value || name->empty()) {
            return makeError("bad header");
        }
        record.headers.push_back({*name, *value});
    }
    return {};
}

Result<PolicyStageRecord> parseFields(std::string_view signedText) {
    PolicyStageRecord record;
    bool version = false;
    for (auto field : split(signedText, ';')) {
        if (!field.empty() && field.front() == ' ') {
            field.remove_prefix(1);
        }
        auto equals = field.find('=');
        if (equals == std::string_view::npos) {
            return makeError("field without '='");
        }
        auto key = field.substr(0, equals);
        auto value = field.substr(equals + 1);
        Result<void> read;
        if (key == "v") {
            version = value == "1";
        } else if (key == "t") {
            record.time = std::atoll(std::string(value).c_str());
        } else if (key == "c" || key == "s") {
            auto decoded = decode(value);
            if (!decoded) {
                return makeError(decoded.error());
            }
            (key == "c" ? record.client_address : record.sender) = *decoded;
        } else if (key == "y") {
            read = readSymbols(value, record);
        } else if (key == "h") {
            read = readHeaders(value, record);
        }
        if (!read) {
            return makeError(read.error());
        }
    }
    if (!version) {
        return makeError("not version 1");
    }
    return record;
}

}  // namespace

std::string signPolicyStageRecord(const PolicyStageRecord& record, const std::string& secret) {
    std::string text = "v=1; t=" + std::to_string(record.time) +
                       "; c=" + encode(record.client_address) + "; s=" + encode(record.sender) +
                       "; y=";
    for (std::size_t i = 0; i < record.symbols.size(); ++i) {
        const auto& symbol = record.symbols[i];
        text += (i ? "," : "") + encode(symbol.name) + ":" + formatScore(symbol.score) + ":" +
                encode(symbol.detail.substr(0, 120));
    }
    text += "; h=";
    for (std::size_t i = 0; i < record.headers.size(); ++i) {
        text +=
            (i ? "," : "") + encode(record.headers[i].name) + ":" + encode(record.headers[i].value);
    }
    return text + std::string(kSignature) + hmacHex(text, secret);
}

Result<PolicyStageRecord> verifyPolicyStageHeader(std::string_view value,
                                                  const std::string& secret) {
    // Header values may arrive folded or with blanks around them.
    std::string unfolded;
    for (char c : value) {
        if (c != '\r' && c != '\n') {
            unfolded += c == '\t' ? ' ' : c;
        }
    }
    std::string_view text = unfolded;
    while (!text.empty() && text.front() == ' ') {
        text.remove_prefix(1);
    }
    while (!text.empty() && text.back() == ' ') {
        text.remove_suffix(1);
    }
    auto at = text.rfind(kSignature);
    if (at == std::string_view::npos) {
        return makeError("no signature");
    }
    std::string_view signedText = text.substr(0, at);
    std::string given(text.substr(at + kSignature.size()));
    std::string expected = hmacHex(signedText, secret);
    if (secret.empty() || given.size() != expected.size() ||
        CRYPTO_memcmp(given.data(), expected.data(), expected.size()) != 0) {
        return makeError("wrong signature");
    }
    return parseFields(signedText);
}

PolicyStageReading readPolicyStageHeaders(const std::vector<std::string>& values,
                                          const std::string& secret, std::string_view clientAddress,
                                          std::string_view sender, std::int64_t now,
                                          std::int64_t maxAge) {
    PolicyStageReading reading;
    auto refuse = [&reading](const std::string& why) {
        if (reading.refused++ == 0) {
            reading.refusal = why;
        }
    };
    for (const auto& value : values) {
        auto record = verifyPolicyStageHeader(value, secret);
        if (!record) {
            refuse(record.error());
            continue;
        }
        auto signedFor = IpAddress::parse(record->client_address);
        auto client = IpAddress::parse(clientAddress);
        if (!signedFor || !client || !(*signedFor == *client) ||
            strcasecmp(record->sender.c_str(), std::string(sender).c_str()) != 0) {
            refuse("signed for another client or sender");
            continue;
        }
        if (record->time > now + 60 || now - record->time > maxAge) {
            refuse("too old");
            continue;
        }
        ++reading.believed;
        for (auto& symbol : record->symbols) {
            auto same = std::find_if(reading.symbols.begin(), reading.symbols.end(),
                                     [&](const Symbol& seen) { return seen.name == symbol.name; });
            if (same == reading.symbols.end()) {
                reading.symbols.push_back(std::move(symbol));
            } else if (symbol.score > same->score) {
                *same = std::move(symbol);
            }
        }
        for (auto& header : record->headers) {
            auto same = std::find_if(
                reading.headers.begin(), reading.headers.end(), [&](const HeaderField& seen) {
                    return seen.name == header.name && seen.value == header.value;
                });
            if (same == reading.headers.end()) {
                reading.headers.push_back(std::move(header));
            }
        }
    }
    return reading;
}

}  // namespace mailgate
