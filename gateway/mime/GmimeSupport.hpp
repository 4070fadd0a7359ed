// What the MIME parser's two files share of GMime: initialising the library once per
// process, owning GObjects and glib strings with RAII, and the parse context (limits,
// the defects found, the decoded-byte budget). Private to gateway/mime.
#pragma once

#include <gmime/gmime.h>

#include <memory>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "gateway/message/Message.hpp"
#include "gateway/mime/EncodedWords.hpp"
#include "gateway/mime/MimeParser.hpp"
#include "gateway/util/AsciiCase.hpp"

namespace mailgate::mime {

void ensureGmimeInitialised();

struct GObjectRelease {
    void operator()(void* object) const {
        if (object != nullptr) {
            g_object_unref(object);
        }
    }
};
template <class T>
using GObjectPointer = std::unique_ptr<T, GObjectRelease>;

struct GFreeRelease {
    void operator()(void* memory) const { g_free(memory); }
};
using GlibText = std::unique_ptr<char, GFreeRelease>;

inline std::string textOf(const char* text) {
    return text ? std::string(text) : std::string();
}

struct ParseContext {
    const MimeLimits& limits;
    Message& message;
    std::string_view raw;  // the whole message when in memory (for boundary checks)
    std::uint64_t decoded_budget;
    std::optional<std::unordered_set<std::string>> close_delimiters;  // found on first use
    // Messages parsed out of encoded message/rfc822 parts, alive until the walk is done.
    std::vector<GObjectPointer<GMimeMessage>> nested_messages;

    void defect(std::string code, std::string detail) {
        message.defects.push_back({std::move(code), std::move(detail)});
    }
};

// Fills part.text, sizes, digest and content defects for one leaf part.
void readLeafContent(GMimePart* source, MimePart& part, ParseContext& context);

// The raw value of the object's first header field `name` (folding kept), or "".
std::string rawHeader(GMimeObject* object, const char* name);
// A header value unfolded and decoded (decodeEncodedWords); an undecodable encoded-word
// is a defect naming the field.
std::string decodedValue(const std::string& raw, const std::string& field, ParseContext& context);

}  // namespace mailgate::mime
