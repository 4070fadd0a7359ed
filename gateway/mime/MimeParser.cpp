// Raw bytes to a Message with GMime (see MimeParser.hpp): the parser with its warnings
// as defects, the header fields, and the walk over the MIME tree. Leaf content is read
// in MimePartContent.cpp.
#include "gateway/mime/MimeParser.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cctype>
#include <mutex>

#include "gateway/mime/GmimeSupport.hpp"

namespace mailgate {

namespace mime {

void ensureGmimeInitialised() {
    static std::once_flag once;
    std::call_once(once, [] { g_mime_init(); });
}

std::string lowerCase(std::string_view text) {
    std::string out(text);
    for (char& c : out) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return out;
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
    parse->defect(warningCode(warning), detail + (detail.empty() ? "" : " ") + "at byte " +
                                            std::to_string(offset));
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

std::string unfoldAndDecode(GMimeParserOptions* options, const char* raw) {
    GlibText unfolded(g_mime_utils_header_unfold(raw ? raw : ""));
    GlibText decoded(g_mime_utils_header_decode_text(options, unfolded.get()));
    return textOf(decoded.get());
}

std::vector<MessageHeader> headersOf(GMimeObject* object, GMimeParserOptions* options) {
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
        field.value = unfoldAndDecode(options, field.raw_value.c_str());
        headers.push_back(std::move(field));
    }
    return headers;
}

MimePart describe(GMimeObject* object, int parent, int depth) {
    MimePart part;
    part.parent = parent;
    part.depth = depth;
    GMimeContentType* type = g_mime_object_get_content_type(object);
    GlibText mimeType(type ? g_mime_content_type_get_mime_type(type) : nullptr);
    part.content_type = mimeType ? lowerCase(mimeType.get()) : "text/plain";
    part.charset = lowerCase(textOf(type ? g_mime_content_type_get_parameter(type, "charset")
                                         : nullptr));
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
            std::string_view line = raw.substr(start, end == std::string_view::npos
                                                          ? std::string_view::npos
                                                          : end - start);
            while (!line.empty() && (line.back() == '\r' || line.back() == ' ' ||
                                     line.back() == '\t')) {
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
void checkCloseDelimiter(GMimeMultipart* multipart, ParseContext& context) {
    const char* boundary = g_mime_multipart_get_boundary(multipart);
    if (boundary == nullptr || context.raw.empty()) {
        return;
    }
    if (closeDelimiters(context).count(boundary) == 0) {
        context.defect("MISSING_CLOSE_DELIMITER",
                       "boundary \"" + std::string(boundary).substr(0, 80) + "\"");
    }
}

struct Pending {
    GMimeObject* object;
    int parent;
    int depth;
};

void walkTree(GMimeObject* root, GMimeParserOptions* options, ParseContext& context) {
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
            checkCloseDelimiter(multipart, context);
            int count = g_mime_multipart_get_count(multipart);
            for (int i = 0; i < count && !tooDeep; ++i) {
                children.push_back({g_mime_multipart_get_part(multipart, i), index,
                                    next.depth + 1});
            }
        } else if (part.message) {
            GMimeMessage* nested = g_mime_message_part_get_message(GMIME_MESSAGE_PART(next.object));
            if (nested != nullptr) {
                part.headers = headersOf(GMIME_OBJECT(nested), options);
                if (!tooDeep) {
                    children.push_back({g_mime_message_get_mime_part(nested), index,
                                        next.depth + 1});
                }
            }
        } else if (GMIME_IS_PART(next.object)) {
            readLeafContent(GMIME_PART(next.object), part, context);
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
    ParseContext context{limits, message, raw, limits.max_decoded_bytes, std::nullopt};
    ParserOptions options(context);
    GObjectPointer<GMimeParser> parser(g_mime_parser_new_with_stream(stream));
    g_mime_parser_set_format(parser.get(), GMIME_FORMAT_MESSAGE);
    GObjectPointer<GMimeMessage> parsed(
        g_mime_parser_construct_message(parser.get(), options.options));
    if (!parsed) {
        context.defect("NOT_A_MESSAGE", "no header block could be read");
        return message;
    }
    message.headers = headersOf(GMIME_OBJECT(parsed.get()), options.options);
    walkTree(g_mime_message_get_mime_part(parsed.get()), options.options, context);
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
    GMimeParserOptions* options = g_mime_parser_options_new();
    std::string decoded = unfoldAndDecode(options, std::string(raw).c_str());
    g_mime_parser_options_free(options);
    return decoded;
}

}  // namespace mailgate
