// Raw bytes to a Message with GMime (see MimeParser.hpp): the parser with its warnings
// as defects, the header fields, and the walk over the MIME tree. Leaf content is read
// in MimePartContent.cpp.
#include "gateway/mime/MimeParser.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cctype>
#include <mutex>

#include "gateway/mime/GmimeSupport.hpp"
#include "gateway/util/AsciiCase.hpp"

namespace mailgate {

namespace mime {

void ensureGmimeInitialised() {
    static std::once_flag once;
    std::call_once(once, [] { g_mime_init(); });
}

std::string rawHeader(GMimeObject* object, const char* name) {
    GMimeHeaderList* list = g_mime_object_get_header_list(object);
    GMimeHeader* header = list ? g_mime_header_list_get_header(list, name) : nullptr;
    return header ? textOf(g_mime_header_get_raw_value(header)) : std::string();
}

std::string decodedValue(const std::string& raw, const std::string& field, ParseContext& context) {
    GlibText unfolded(g_mime_utils_header_unfold(raw.c_str()));
    bool invalid = false;
    std::string decoded = decodeEncodedWords(textOf(unfolded.get()), &invalid);
    if (invalid) {
        context.defect("INVALID_ENCODED_WORD", field.substr(0, 60));
    }
    return decoded;
}

}  // namespace mime

namespace {

using namespace mime;

const char* warningCode(GMimeParserWarning warning) {
    switch (warning) {
        case GMIME_WARN_DUPLICATED_HEADER:
            return "DUPLICATE_HEADER";
        case GMIME_WARN_DUPLICATED_PARAMETER:
            return "DUPLICATE_PARAMETER";
        case GMIME_WARN_UNENCODED_8BIT_HEADER:
            return "UNENCODED_8BIT_HEADER";
        case GMIME_WARN_INVALID_CONTENT_TYPE:
            return "INVALID_CONTENT_TYPE";
        case GMIME_WARN_INVALID_RFC2047_HEADER_VALUE:
            return "INVALID_ENCODED_WORD";
        case GMIME_WARN_MALFORMED_MULTIPART:
            return "MALFORMED_MULTIPART";
        case GMIME_WARN_TRUNCATED_MESSAGE:
            return "TRUNCATED_MESSAGE";
        case GMIME_WARN_MALFORMED_MESSAGE:
            return "MALFORMED_MESSAGE";
        case GMIME_CRIT_INVALID_HEADER_NAME:
            return "INVALID_HEADER_NAME";
        case GMIME_CRIT_CONFLICTING_HEADER:
            return "CONFLICTING_HEADER";
        case GMIME_CRIT_CONFLICTING_PARAMETER:
            return "CONFLICTING_PARAMETER";
        case GMIME_CRIT_MULTIPART_WITHOUT_BOUNDARY:
            return "MISSING_BOUNDARY";
        case GMIME_WARN_INVALID_PARAMETER:
            return "INVALID_PARAMETER";
        case GMIME_WARN_INVALID_ADDRESS_LIST:
            return "INVALID_ADDRESS_LIST";
        case GMIME_CRIT_NESTING_OVERFLOW:
            return "NESTING_TOO_DEEP";
        case GMIME_WARN_PART_WITHOUT_CONTENT:
            return "PART_WITHOUT_CONTENT";
        case GMIME_CRIT_PART_WITHOUT_HEADERS_OR_CONTENT:
            return "PART_WITHOUT_HEADERS_OR_CONTENT";
    }
    return "PARSER_WARNING";
}

void onParserWarning(gint64 offset, GMimeParserWarning warning, const gchar* item,
                     gpointer context) {
    auto* parse = static_cast<ParseContext*>(context);
    if (parse->message.defects.size() >= 1000) {
        return;  // a hostile message may make thousands; the first ones tell the story
    }
    std::string detail = item ? std::string(item).substr(0, 200) : std::string();
    parse->defect(warningCode(warning),
                  detail + (detail.empty() ? "" : " ") + "at byte " + std::to_string(offset));
}

struct ParserOptions {
    explicit ParserOptions(ParseContext& context) : options(g_mime_parser_options_new()) {
        g_mime_parser_options_set_warning_callback(options, onParserWarning, &context);
    }
    ~ParserOptions() { g_mime_parser_options_free(options); }
    ParserOptions(const ParserOptions&) = delete;
    ParserOptions& operator=(const ParserOptions&) = delete;
    GMimeParserOptions* options;
};

std::vector<MessageHeader> headersOf(GMimeObject* object, ParseContext& context) {
    std::vector<MessageHeader> headers;
    GMimeHeaderList* list = g_mime_object_get_header_list(object);
    int count = list ? g_mime_header_list_get_count(list) : 0;
    for (int i = 0; i < count; ++i) {
        GMimeHeader* header = g_mime_header_list_get_header_at(list, i);
        MessageHeader field;
        field.name = textOf(g_mime_header_get_name(header));
        field.raw_value = textOf(g_mime_header_get_raw_value(header));
        while (!field.raw_value.empty() &&
               (field.raw_value.front() == ' ' || field.raw_value.front() == '\t')) {
            field.raw_value.erase(0, 1);
        }
        while (!field.raw_value.empty() &&
               (field.raw_value.back() == '\n' || field.raw_value.back() == '\r')) {
            field.raw_value.pop_back();
        }
        field.value = decodedValue(field.raw_value, field.name, context);
        headers.push_back(std::move(field));
    }
    return headers;
}

// RFC 2045 section 5.2: a Content-Type that does not parse means text/plain; GMime falls
// back to application/octet-stream instead, which would hide the text from the checks.
bool declaresValidType(const std::string& raw) {
    std::size_t at = raw.find_first_not_of(" \t\r\n");
    auto token = [&](std::size_t& position) {
        std::size_t start = position;
        while (position < raw.size()) {
            auto c = static_cast<unsigned char>(raw[position]);
            if (c <= ' ' || c >= 0x7F ||
                std::string_view("()<>@,;:\\\"/[]?=").find(static_cast<char>(c)) !=
                    std::string_view::npos) {
                break;
            }
            ++position;
        }
        return position > start;
    };
    if (at == std::string::npos || !token(at)) {
        return false;
    }
    while (at < raw.size() && (raw[at] == ' ' || raw[at] == '\t')) {
        ++at;
    }
    if (at >= raw.size() || raw[at] != '/') {
        return false;
    }
    ++at;
    while (at < raw.size() && (raw[at] == ' ' || raw[at] == '\t')) {
        ++at;
    }
    return token(at);
}

MimePart describe(GMimeObject* object, int parent, int depth) {
    MimePart part;
    part.parent = parent;
    part.depth = depth;
    GMimeContentType* type = g_mime_object_get_content_type(object);
    GlibText mimeType(type ? g_mime_content_type_get_mime_type(type) : nullptr);
    part.content_type = mimeType ? lowerCase(mimeType.get()) : "text/plain";
    std::string declared = rawHeader(object, "Content-Type");
    if (!declared.empty() && !declaresValidType(declared)) {
        part.content_type = "text/plain";
    }
    part.boundary = textOf(g_mime_object_get_content_type_parameter(object, "boundary"));
    part.charset =
        lowerCase(textOf(type ? g_mime_content_type_get_parameter(type, "charset") : nullptr));
    part.disposition = lowerCase(textOf(g_mime_object_get_disposition(object)));
    part.multipart = GMIME_IS_MULTIPART(object);
    part.message = GMIME_IS_MESSAGE_PART(object);
    return part;
}

// The close delimiters ("--BOUNDARY--" lines) present in the raw message, found in one
// pass the first time a multipart asks.
const std::unordered_set<std::string>& closeDelimiters(ParseContext& context) {
    if (!context.close_delimiters) {
        context.close_delimiters.emplace();
        std::string_view raw = context.raw;
        std::size_t start = 0;
        while (start < raw.size()) {
            auto end = raw.find('\n', start);
            std::string_view line = raw.substr(
                start, end == std::string_view::npos ? std::string_view::npos : end - start);
            while (!line.empty() &&
                   (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) {
                line.remove_suffix(1);
            }
            if (line.size() > 4 && line.substr(0, 2) == "--" &&
                line.substr(line.size() - 2) == "--") {
                context.close_delimiters->insert(std::string(line.substr(2, line.size() - 4)));
            }
            if (end == std::string_view::npos) {
                break;
            }
            start = end + 1;
        }
    }
    return *context.close_delimiters;
}

// A multipart whose close delimiter never appears was cut short or forged; GMime reads it
// anyway, so we look for the delimiter ourselves.
// (The parameter as written: g_mime_multipart_get_boundary makes one up when it is missing.)
void checkBoundary(const MimePart& part, int count, bool decoded, ParseContext& context) {
    if (count == 0) {
        context.defect("MULTIPART_WITHOUT_PARTS", part.content_type + " with no body part");
    }
    if (part.boundary.empty()) {
        return;  // MISSING_BOUNDARY, from GMime
    }
    for (int up = part.parent; up >= 0;
         up = context.message.parts[static_cast<std::size_t>(up)].parent) {
        if (context.message.parts[static_cast<std::size_t>(up)].boundary == part.boundary) {
            context.defect("REUSED_BOUNDARY", "\"" + part.boundary.substr(0, 80) +
                                                  "\" is also an enclosing multipart's");
            break;
        }
    }
    if (!decoded && !context.raw.empty() && closeDelimiters(context).count(part.boundary) == 0) {
        context.defect("MISSING_CLOSE_DELIMITER",
                       "boundary \"" + part.boundary.substr(0, 80) + "\"");
    }
}

// A message/rfc822 part sent base64 or quoted-printable (RFC 2046 forbids it) is a leaf
// to GMime; its decoded content is parsed as the message it is.
GMimeObject* openEncodedMessage(GMimePart* source, ParseContext& context) {
    GMimeDataWrapper* content = g_mime_part_get_content(source);
    if (content == nullptr) {
        return nullptr;
    }
    GObjectPointer<GMimeStream> decoded(g_mime_stream_mem_new());
    g_mime_data_wrapper_write_to_stream(content, decoded.get());
    g_mime_stream_reset(decoded.get());
    GObjectPointer<GMimeParser> parser(g_mime_parser_new_with_stream(decoded.get()));
    GMimeMessage* nested = g_mime_parser_construct_message(parser.get(), nullptr);
    if (nested == nullptr) {
        return nullptr;
    }
    context.defect("ENCODED_MESSAGE_PART", "a message/rfc822 part with a transfer encoding");
    context.nested_messages.emplace_back(nested);
    return GMIME_OBJECT(nested);
}

struct Pending {
    GMimeObject* object;
    int parent;
    int depth;
    bool decoded = false;  // inside an encoded message/rfc822 part: not in the raw bytes
};

void walkTree(GMimeObject* root, ParseContext& context) {
    std::vector<Pending> stack{{root, -1, 0}};
    bool toldParts = false;
    bool toldDepth = false;
    while (!stack.empty()) {
        Pending next = stack.back();
        stack.pop_back();
        if (next.object == nullptr) {
            continue;
        }
        if (context.message.parts.size() >= context.limits.max_parts) {
            if (!toldParts) {
                context.defect("TOO_MANY_PARTS",
                               "more than " + std::to_string(context.limits.max_parts));
                toldParts = true;
            }
            break;
        }
        MimePart part = describe(next.object, next.parent, next.depth);
        int index = static_cast<int>(context.message.parts.size());
        bool tooDeep = static_cast<std::size_t>(next.depth) >= context.limits.max_depth;
        if (tooDeep && (part.multipart || part.message) && !toldDepth) {
            context.defect("TOO_DEEP", "nesting over " + std::to_string(context.limits.max_depth));
            toldDepth = true;
        }
        std::vector<Pending> children;
        if (part.multipart) {
            auto* multipart = GMIME_MULTIPART(next.object);
            int count = g_mime_multipart_get_count(multipart);
            context.message.parts.push_back(part);  // checkBoundary walks up through it
            checkBoundary(part, count, next.decoded, context);
            context.message.parts.pop_back();
            for (int i = 0; i < count && !tooDeep; ++i) {
                children.push_back(
                    {g_mime_multipart_get_part(multipart, i), index, next.depth + 1, next.decoded});
            }
        } else if (part.message) {
            GMimeMessage* nested = g_mime_message_part_get_message(GMIME_MESSAGE_PART(next.object));
            if (nested != nullptr) {
                part.headers = headersOf(GMIME_OBJECT(nested), context);
                if (!tooDeep) {
                    children.push_back({g_mime_message_get_mime_part(nested), index, next.depth + 1,
                                        next.decoded});
                }
            }
        } else if (GMIME_IS_PART(next.object)) {
            readLeafContent(GMIME_PART(next.object), part, context);
            GMimeObject* nested = part.content_type == "message/rfc822" && !tooDeep
                                      ? openEncodedMessage(GMIME_PART(next.object), context)
                                      : nullptr;
            if (nested != nullptr) {
                part.message = true;
                part.headers = headersOf(nested, context);
                children.push_back({g_mime_message_get_mime_part(GMIME_MESSAGE(nested)), index,
                                    next.depth + 1, true});
            }
        }
        context.message.parts.push_back(std::move(part));
        for (auto child = children.rbegin(); child != children.rend(); ++child) {
            stack.push_back(*child);
        }
    }
}

Message parseStream(GMimeStream* stream, std::string_view raw, MessageEnvelope envelope,
                    const MimeLimits& limits, std::uint64_t size) {
    Message message;
    message.envelope = std::move(envelope);
    message.size = size;
    ParseContext context{limits, message, raw, limits.max_decoded_bytes, std::nullopt, {}};
    ParserOptions options(context);
    GObjectPointer<GMimeParser> parser(g_mime_parser_new_with_stream(stream));
    g_mime_parser_set_format(parser.get(), GMIME_FORMAT_MESSAGE);
    GObjectPointer<GMimeMessage> parsed(
        g_mime_parser_construct_message(parser.get(), options.options));
    if (!parsed) {
        // No header block: all of it is a body of text, as a reader would show it.
        context.defect("NOT_A_MESSAGE", "no header block could be read");
        MimePart root;
        root.content_type = "text/plain";
        root.decoded_size = raw.size();
        root.encoded_size = raw.size();
        auto limit = static_cast<std::size_t>(limits.max_text_bytes);
        std::string_view text = raw.substr(0, limit);
        GlibText valid(text.empty()
                           ? nullptr
                           : g_utf8_make_valid(text.data(), static_cast<gssize>(text.size())));
        root.text = textOf(valid.get());
        root.text_truncated = raw.size() > limit;
        message.parts.push_back(std::move(root));
        return message;
    }
    message.headers = headersOf(GMIME_OBJECT(parsed.get()), context);
    walkTree(g_mime_message_get_mime_part(parsed.get()), context);
    return message;
}

}  // namespace

Message MimeParser::parse(std::string_view raw, MessageEnvelope envelope) const {
    ensureGmimeInitialised();
    GObjectPointer<GMimeStream> stream(g_mime_stream_mem_new_with_buffer(raw.data(), raw.size()));
    return parseStream(stream.get(), raw, std::move(envelope), limits_, raw.size());
}

Message MimeParser::parseFile(const std::string& path, MessageEnvelope envelope) const {
    ensureGmimeInitialised();
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        Message message;
        message.envelope = std::move(envelope);
        message.defects.push_back({"NOT_A_MESSAGE", "cannot open " + path});
        return message;
    }
    off_t size = ::lseek(fd, 0, SEEK_END);
    ::lseek(fd, 0, SEEK_SET);
    GObjectPointer<GMimeStream> stream(g_mime_stream_fs_new(fd));  // owns fd
    // A spooled message is not kept in memory: no close-delimiter check on it.
    return parseStream(stream.get(), {}, std::move(envelope), limits_,
                       static_cast<std::uint64_t>(size < 0 ? 0 : size));
}

std::string decodeHeaderText(std::string_view raw) {
    ensureGmimeInitialised();
    GlibText unfolded(g_mime_utils_header_unfold(std::string(raw).c_str()));
    return decodeEncodedWords(textOf(unfolded.get()));
}

}  // namespace mailgate
