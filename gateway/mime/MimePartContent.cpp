// One leaf part's content (see GmimeSupport.hpp): the file name, the transfer encoding
// and whether its bytes really are base64 or quoted-printable, the decoded size and
// digest, and for text parts the text in UTF-8 (HTML reduced, and its features read),
// within the limits.
#include <strings.h>

#include <cctype>

#include "gateway/mime/GmimeSupport.hpp"
#include "gateway/mime/HtmlFeatureReader.hpp"
#include "gateway/mime/HtmlText.hpp"
#include "gateway/util/Digests.hpp"

namespace mailgate::mime {
namespace {

std::string encodedBytes(GMimeStream* stream, std::uint64_t limit) {
    std::string bytes;
    g_mime_stream_reset(stream);
    char buffer[16384];
    while (bytes.size() < limit) {
        ssize_t got = g_mime_stream_read(stream, buffer, sizeof buffer);
        if (got <= 0) {
            break;
        }
        bytes.append(buffer, static_cast<std::size_t>(got));
    }
    g_mime_stream_reset(stream);
    return bytes;
}

bool isBase64Byte(unsigned char c) {
    return std::isalnum(c) || c == '+' || c == '/' || c == '=' || c == '\r' || c == '\n' ||
           c == ' ' || c == '\t';
}

// The first byte that cannot be in base64 text, or npos.
std::size_t firstBadBase64(std::string_view text) {
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (!isBase64Byte(static_cast<unsigned char>(text[i]))) {
            return i;
        }
    }
    return std::string_view::npos;
}

// The first "=" that is neither "=XY" with hex digits nor a soft line break, or npos.
std::size_t firstBadQuotedPrintable(std::string_view text) {
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '=') {
            continue;
        }
        std::size_t next = i + 1;
        while (next < text.size() && (text[next] == ' ' || text[next] == '\t')) {
            ++next;  // "=  \r\n" is a soft break with trailing blanks
        }
        if (next >= text.size() || text[next] == '\r' || text[next] == '\n') {
            continue;
        }
        if (next == i + 1 && i + 2 < text.size() &&
            std::isxdigit(static_cast<unsigned char>(text[i + 1])) &&
            std::isxdigit(static_cast<unsigned char>(text[i + 2]))) {
            continue;
        }
        return i;
    }
    return std::string_view::npos;
}

bool isUnicodeOrAscii(const std::string& charset) {
    return charset.empty() || charset == "us-ascii" || charset == "ascii" || charset == "utf-8" ||
           charset == "utf8";
}

std::string validUtf8(const char* data, std::size_t size) {
    if (size == 0) {
        return {};  // an empty GByteArray has no data pointer
    }
    GlibText valid(g_utf8_make_valid(data, static_cast<gssize>(size)));
    return textOf(valid.get());
}

// The decoded bytes as UTF-8. An unknown charset, or bytes that are not valid in the one
// declared, are read as ISO-8859-1 (every byte is a character there) with a defect.
std::string toUtf8(const guint8* bytes, std::size_t size, const MimePart& part,
                   ParseContext& context) {
    const char* data = reinterpret_cast<const char*>(bytes);
    if (size == 0) {
        return {};
    }
    if (isUnicodeOrAscii(part.charset)) {
        return validUtf8(data, size);
    }
    GError* error = nullptr;
    gsize written = 0;
    GlibText converted(g_convert(data, static_cast<gssize>(size), "UTF-8", part.charset.c_str(),
                                 nullptr, &written, &error));
    if (converted) {
        return std::string(converted.get(), written);
    }
    g_clear_error(&error);
    GIConv probe = g_iconv_open("UTF-8", part.charset.c_str());
    bool unknown = probe == reinterpret_cast<GIConv>(-1);
    if (!unknown) {
        g_iconv_close(probe);
    }
    context.defect(unknown ? "UNKNOWN_CHARSET" : "BAD_CHARSET_DATA",
                   "charset \"" + part.charset.substr(0, 40) + "\"");
    GlibText latin(g_convert(data, static_cast<gssize>(size), "UTF-8", "ISO-8859-1", nullptr,
                             &written, nullptr));
    return latin ? std::string(latin.get(), written) : validUtf8(data, size);
}

void checkEncoding(GMimePart* source, MimePart& part, GMimeStream* encoded, ParseContext& context) {
    GMimeContentEncoding encoding = g_mime_part_get_content_encoding(source);
    if (encoding == GMIME_CONTENT_ENCODING_DEFAULT) {
        const char* declared =
            g_mime_object_get_header(GMIME_OBJECT(source), "Content-Transfer-Encoding");
        std::string text = lowerCase(textOf(declared));
        text.erase(0, text.find_first_not_of(" \t"));
        if (!text.empty()) {
            context.defect("UNKNOWN_TRANSFER_ENCODING", "\"" + text.substr(0, 40) + "\"");
        }
        return;
    }
    part.transfer_encoding = lowerCase(textOf(g_mime_content_encoding_to_string(encoding)));
    if (encoding != GMIME_CONTENT_ENCODING_BASE64 &&
        encoding != GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE) {
        return;
    }
    std::string bytes = encodedBytes(encoded, context.decoded_budget);
    bool base64 = encoding == GMIME_CONTENT_ENCODING_BASE64;
    auto bad = base64 ? firstBadBase64(bytes) : firstBadQuotedPrintable(bytes);
    if (bad != std::string::npos) {
        context.defect(base64 ? "BAD_BASE64" : "BAD_QUOTED_PRINTABLE",
                       "part " + std::to_string(context.message.parts.size()) + ", byte " +
                           std::to_string(bad) + " of its content");
    }
}

void keepText(const guint8* data, std::size_t size, MimePart& part, ParseContext& context) {
    std::string text = toUtf8(data, size, part, context);
    auto limit = static_cast<std::size_t>(context.limits.max_text_bytes);
    if (part.content_type == "text/html") {
        HtmlLinks links;
        part.text = htmlToText(text, limit, links);
        part.links = std::move(links.targets);
        part.html = std::make_shared<const HtmlFeatures>(readHtmlFeatures(text));
        part.text_truncated = text.size() > limit && part.text.size() >= limit;
    } else {
        part.text_truncated = text.size() > limit;
        if (part.text_truncated) {
            text.resize(limit);
        }
        part.text = std::move(text);
    }
}

// The file name. GMime decodes RFC 2231 well, but its RFC 2047 decoding of a plain
// filename="=?...?=" drops the words after a padded one; those are decoded here.
std::string fileNameOf(GMimePart* source) {
    std::string name = textOf(g_mime_part_get_filename(source));
    auto* object = GMIME_OBJECT(source);
    for (auto [field, parameter] :
         {std::pair{"Content-Disposition", "filename"}, std::pair{"Content-Type", "name"}}) {
        GlibText value(g_mime_utils_header_unfold(rawHeader(object, field).c_str()));
        std::string text = textOf(value.get());
        std::string raw;
        if (lowerCase(text).find(std::string(parameter) + "*") != std::string::npos) {
            return name;  // RFC 2231 wins, and GMime reads it right
        }
        if (findHeaderParameter(text, parameter, raw)) {
            return raw.find("=?") != std::string::npos ? decodeEncodedWords(raw) : name;
        }
    }
    return name;
}

}  // namespace

void readLeafContent(GMimePart* source, MimePart& part, ParseContext& context) {
    part.filename = fileNameOf(source);
    part.attachment = !part.filename.empty() || part.disposition == "attachment";
    GMimeDataWrapper* content = g_mime_part_get_content(source);
    if (content == nullptr) {
        return;
    }
    GMimeStream* encoded = g_mime_data_wrapper_get_stream(content);
    gint64 length = encoded ? g_mime_stream_length(encoded) : 0;
    part.encoded_size = length > 0 ? static_cast<std::uint64_t>(length) : 0;
    if (part.encoded_size > context.decoded_budget) {
        context.defect("DECODE_LIMIT", "part " + std::to_string(context.message.parts.size()) +
                                           " of " + std::to_string(part.encoded_size) +
                                           " bytes not decoded");
        context.decoded_budget = 0;
        return;
    }
    checkEncoding(source, part, encoded, context);
    GObjectPointer<GMimeStream> decoded(g_mime_stream_mem_new());
    g_mime_data_wrapper_write_to_stream(content, decoded.get());
    GByteArray* bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(decoded.get()));
    part.decoded_size = bytes ? bytes->len : 0;
    context.decoded_budget -= std::min(context.decoded_budget, part.decoded_size);
    if (bytes == nullptr) {
        return;
    }
    if (context.limits.digests) {
        part.sha1 =
            sha1Hex(std::string_view(reinterpret_cast<const char*>(bytes->data), bytes->len));
    }
    if (part.content_type.compare(0, 5, "text/") == 0) {
        keepText(bytes->data, bytes->len, part, context);
    }
}

}  // namespace mailgate::mime
