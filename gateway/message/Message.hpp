// Message: one message as the content checks see it, built once at end of DATA (by the
// milter, or by `mailgatectl scan` from a file): the envelope, the top-level header fields
// in order (raw and decoded), the MIME tree flattened into parts (a message/rfc822 part's
// own parts included), and the defects the parser met. Facts only: the checks judge, the
// scorer decides. Built by MimeParser; nothing here touches GMime.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace mailgate {

struct MessageEnvelope {
    std::string queue_id;
    std::string sender;  // without <>, "" for the null sender
    std::vector<std::string> recipients;
    std::string client_address;  // "" when unknown (a local submission)
    std::string client_name;
    std::string helo;
    std::string authenticated_user;
    bool smtputf8 = false;  // MAIL FROM ... SMTPUTF8: 8-bit headers are then allowed

    bool authenticated() const { return !authenticated_user.empty(); }
};

struct HtmlFeatures;  // gateway/message/HtmlFeatures.hpp

struct MessageHeader {
    std::string name;       // as written
    std::string raw_value;  // as received, folding kept, leading blank removed
    std::string value;      // unfolded, RFC 2047 encoded-words decoded, UTF-8
};

struct MimePart {
    int parent = -1;                // index in Message::parts; -1 for the root
    int depth = 0;                  // 0 for the root; a nested message's parts are one deeper
    std::string content_type;       // lower case "type/subtype"; "text/plain" when absent
    std::string charset;            // lower case, "" when none
    std::string transfer_encoding;  // lower case; "" when none (7bit)
    std::string disposition;        // lower case "attachment", "inline" or ""
    std::string filename;           // decoded (RFC 2231, RFC 2047), "" when none
    std::string boundary;           // multiparts: the boundary parameter, "" when none
    bool multipart = false;
    bool message = false;     // message/rfc822: its message's parts follow as children
    bool attachment = false;  // has a file name or is Content-Disposition: attachment
    std::uint64_t encoded_size = 0;
    std::uint64_t decoded_size = 0;
    // Text parts: the decoded text in UTF-8 (HTML reduced to its text), at most
    // content.max_text_bytes of it; empty for other parts.
    std::string text;
    bool text_truncated = false;
    // HTML parts: the targets of its links and images (href, src), at most 64.
    std::vector<std::string> links;
    // HTML parts: what the HTML does beyond its text (hidden text, images, forms, scripts,
    // links and the text they show); null for other parts, so copying those costs nothing.
    std::shared_ptr<const HtmlFeatures> html;
    std::string sha1;  // hex SHA-1 of the decoded content, when asked for (scan --digests)
    // A nested message's own headers (message/rfc822 parts only).
    std::vector<MessageHeader> headers;
};

struct MimeDefect {
    std::string code;    // stable, upper case: "MISSING_BOUNDARY", "BAD_BASE64", ...
    std::string detail;  // where and what, for logs
};

struct Message {
    MessageEnvelope envelope;
    std::vector<MessageHeader> headers;  // the message's own header fields, in order
    std::vector<MimePart> parts;         // parts[0] is the root
    std::vector<MimeDefect> defects;
    std::uint64_t size = 0;  // bytes of the whole message

    // The top-level fields named `name` (case-insensitive), in order.
    std::vector<const MessageHeader*> headersNamed(std::string_view name) const;
    const MessageHeader* firstHeader(std::string_view name) const;
    bool hasDefect(std::string_view code) const;
};

}  // namespace mailgate
