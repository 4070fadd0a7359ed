// Unit tests of the message model built by MimeParser (GMime underneath): the tree,
// attachment names (RFC 2231, RFC 2047), decoding and charsets, nested messages, the
// defects the broken-MIME check scores, and the limits that bound hostile input.
#include <gtest/gtest.h>

#include "gateway/mime/EncodedWords.hpp"
#include "gateway/mime/MimeParser.hpp"

using namespace mailgate;

namespace {

Message parse(const std::string& raw, MimeLimits limits = {}) {
    limits.digests = true;
    return MimeParser(limits).parse(raw, MessageEnvelope{});
}

const MimePart* partWithFilename(const Message& message, const std::string& name) {
    for (const auto& part : message.parts) {
        if (part.filename == name) {
            return &part;
        }
    }
    return nullptr;
}

const std::string kMixed =
    "From: Alice <alice@example.com>\r\n"
    "To: bob@example.org\r\n"
    "Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?= and =?ISO-8859-1?B?b2zp?=\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: multipart/mixed; boundary=\"outer\"\r\n"
    "\r\n"
    "preamble\r\n"
    "--outer\r\n"
    "Content-Type: text/plain; charset=iso-8859-1\r\n"
    "Content-Transfer-Encoding: quoted-printable\r\n"
    "\r\n"
    "caf=E9 =\r\n"
    "ol=E9\r\n"
    "--outer\r\n"
    "Content-Type: text/html; charset=utf-8\r\n"
    "Content-Transfer-Encoding: base64\r\n"
    "\r\n"
    "PHA+SGVsbG8gPGI+d29ybGQ8L2I+PC9wPg==\r\n"
    "--outer\r\n"
    "Content-Type: application/octet-stream\r\n"
    "Content-Disposition: attachment; filename*=UTF-8''na%C3%AFve%20plan.pdf\r\n"
    "Content-Transfer-Encoding: base64\r\n"
    "\r\n"
    "JVBERi0xLjQK\r\n"
    "--outer\r\n"
    "Content-Type: message/rfc822\r\n"
    "\r\n"
    "From: inner@example.net\r\n"
    "Subject: inner\r\n"
    "Content-Type: multipart/mixed; boundary=inner\r\n"
    "\r\n"
    "--inner\r\n"
    "Content-Type: application/x-msdownload; name=\"=?UTF-8?B?aW52b2ljZS5leGU=?=\"\r\n"
    "Content-Transfer-Encoding: base64\r\n"
    "\r\n"
    "TVqQAA==\r\n"
    "--inner--\r\n"
    "--outer--\r\n";

}  // namespace

TEST(MimeParser, TheTreeOfAMixedMessage) {
    Message message = parse(kMixed);
    ASSERT_GE(message.parts.size(), 7u);
    EXPECT_EQ(message.parts[0].content_type, "multipart/mixed");
    EXPECT_EQ(message.parts[0].parent, -1);
    EXPECT_EQ(message.parts[1].content_type, "text/plain");
    EXPECT_EQ(message.parts[1].parent, 0);
    EXPECT_EQ(message.parts[1].text, "caf\xC3\xA9 ol\xC3\xA9");
    EXPECT_EQ(message.parts[1].transfer_encoding, "quoted-printable");
    EXPECT_EQ(message.parts[2].text, "Hello world");
    const MimePart* pdf = partWithFilename(message, "na\xC3\xAFve plan.pdf");
    ASSERT_NE(pdf, nullptr);
    EXPECT_TRUE(pdf->attachment);
    EXPECT_EQ(pdf->decoded_size, 9u);  // "%PDF-1.4\n"
    EXPECT_FALSE(pdf->sha1.empty());
    const MimePart* exe = partWithFilename(message, "invoice.exe");
    ASSERT_NE(exe, nullptr);
    EXPECT_EQ(exe->depth, 3);  // outer multipart, message/rfc822, inner multipart
    EXPECT_EQ(message.parts[static_cast<std::size_t>(exe->parent)].content_type, "multipart/mixed");
    bool nestedHeaders = false;
    for (const auto& part : message.parts) {
        nestedHeaders = nestedHeaders || (part.message && !part.headers.empty() &&
                                          part.headers[0].value == "inner@example.net");
    }
    EXPECT_TRUE(nestedHeaders);
    EXPECT_TRUE(message.defects.empty()) << message.defects[0].code;
}

TEST(MimeParser, HeadersAreDecoded) {
    Message message = parse(kMixed);
    const auto* subject = message.firstHeader("subject");
    ASSERT_NE(subject, nullptr);
    EXPECT_EQ(subject->value,
              "Gr\xC3\xBC\xC3\x9F"
              "e and ol\xC3\xA9");
    EXPECT_EQ(subject->raw_value.rfind("=?UTF-8?Q?", 0), 0u);
    EXPECT_EQ(message.headersNamed("FROM").size(), 1u);
    EXPECT_EQ(decodeHeaderText("=?utf-8?q?a_b?="), "a b");
}

TEST(MimeParser, BrokenMimeBecomesDefects) {
    std::string noBoundary =
        "From: a@b.c\r\nContent-Type: multipart/mixed\r\n\r\n--x\r\n\r\ntext\r\n--x--\r\n";
    EXPECT_TRUE(parse(noBoundary).hasDefect("MISSING_BOUNDARY"));
    std::string unterminated =
        "From: a@b.c\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\ntext\r\n";
    EXPECT_TRUE(parse(unterminated).hasDefect("MISSING_CLOSE_DELIMITER"));
    std::string badBase64 =
        "From: a@b.c\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        "SGVsbG8*!#$%^\r\n";
    EXPECT_TRUE(parse(badBase64).hasDefect("BAD_BASE64"));
    std::string badQp =
        "From: a@b.c\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
        "bad =ZZ escape\r\n";
    EXPECT_TRUE(parse(badQp).hasDefect("BAD_QUOTED_PRINTABLE"));
    std::string unknownEncoding = "From: a@b.c\r\nContent-Transfer-Encoding: x-rot13\r\n\r\nhi\r\n";
    EXPECT_TRUE(parse(unknownEncoding).hasDefect("UNKNOWN_TRANSFER_ENCODING"));
    std::string eightBit = "From: a@b.c\r\nSubject: caf\xE9\r\n\r\nhi\r\n";
    EXPECT_TRUE(parse(eightBit).hasDefect("UNENCODED_8BIT_HEADER"));
    std::string unknownCharset =
        "From: a@b.c\r\nContent-Type: text/plain; charset=x-unheard-of\r\n\r\nh\xE9llo\r\n";
    Message strange = parse(unknownCharset);
    EXPECT_TRUE(strange.hasDefect("UNKNOWN_CHARSET"));
    EXPECT_EQ(strange.parts[0].text, "h\xC3\xA9llo\r\n");  // read as ISO-8859-1
}

TEST(MimeParser, DeepNestingIsBounded) {
    std::string raw = "From: a@b.c\r\n";
    for (int i = 0; i < 50; ++i) {
        raw += "Content-Type: multipart/mixed; boundary=b" + std::to_string(i) + "\r\n\r\n--b" +
               std::to_string(i) + "\r\n";
    }
    raw += "Content-Type: text/plain\r\n\r\ndeep\r\n";
    for (int i = 49; i >= 0; --i) {
        raw += "--b" + std::to_string(i) + "--\r\n";
    }
    MimeLimits limits;
    limits.max_depth = 20;
    Message message = parse(raw, limits);
    EXPECT_TRUE(message.hasDefect("TOO_DEEP") || message.hasDefect("NESTING_TOO_DEEP"));
    for (const auto& part : message.parts) {
        EXPECT_LE(part.depth, 20);
    }
}

TEST(MimeParser, TenThousandPartsAreCutAtTheLimit) {
    std::string raw = "From: a@b.c\r\nContent-Type: multipart/mixed; boundary=p\r\n\r\n";
    for (int i = 0; i < 10000; ++i) {
        raw += "--p\r\nContent-Type: text/plain\r\n\r\npart " + std::to_string(i) + "\r\n";
    }
    raw += "--p--\r\n";
    MimeLimits limits;
    limits.max_parts = 500;
    Message message = parse(raw, limits);
    EXPECT_EQ(message.parts.size(), 500u);
    EXPECT_TRUE(message.hasDefect("TOO_MANY_PARTS"));
}

TEST(MimeParser, HugeLinesNulBytesAndGarbageParseWithoutHarm) {
    std::string hugeHeader =
        "From: a@b.c\r\nX-Long: " + std::string(200000, 'x') + "\r\n\r\nbody\r\n";
    Message huge = parse(hugeHeader);
    ASSERT_NE(huge.firstHeader("X-Long"), nullptr);
    std::string nul = std::string("From: a@b.c\r\nSubject: a\0b\r\n\r\nbo\0dy\r\n", 34);
    Message withNul = parse(nul);
    EXPECT_EQ(withNul.parts.size(), 1u);
    Message garbage = parse(std::string("\x01\x02\xff\xfe not a message at all"));
    EXPECT_LE(garbage.parts.size(), 1u);
    Message empty = parse("");
    EXPECT_TRUE(empty.headers.empty());
}

TEST(MimeParser, TheDecodedBudgetStopsDecoding) {
    std::string raw = "From: a@b.c\r\nContent-Type: multipart/mixed; boundary=z\r\n\r\n";
    for (int i = 0; i < 3; ++i) {
        raw +=
            "--z\r\nContent-Type: application/octet-stream\r\n"
            "Content-Transfer-Encoding: base64\r\n\r\n" +
            std::string(4000, 'A') + "\r\n";
    }
    raw += "--z--\r\n";
    MimeLimits limits;
    limits.max_decoded_bytes = 5000;
    Message message = parse(raw, limits);
    EXPECT_TRUE(message.hasDefect("DECODE_LIMIT"));
    std::uint64_t decoded = 0;
    for (const auto& part : message.parts) {
        decoded += part.decoded_size;
    }
    EXPECT_LE(decoded, 5000u);
}

TEST(EncodedWords, EachWordDecodedAloneAndAdjacentOnesJoined) {
    // GMime 3.2 decodes this as "A": the padding of the first word ended the second.
    EXPECT_EQ(decodeEncodedWords("=?UTF-8?B?QQ==?= =?UTF-8?B?QUJD?="), "AABC");
    // A character split across two words (U+00E9 is C3 A9).
    EXPECT_EQ(decodeEncodedWords("=?UTF-8?B?w6=?= =?UTF-8?Q?=A9?="), "\xC3\xA9");
    EXPECT_EQ(decodeEncodedWords("=?iso-8859-1?q?caf=E9_au_lait?= ok"), "caf\xC3\xA9 au lait ok");
    EXPECT_EQ(decodeEncodedWords("a =?UTF-8?Q?b?= c"), "a b c");
    EXPECT_EQ(decodeEncodedWords("=?UTF-8*en?Q?x?="), "x");  // RFC 2231 language
    bool invalid = false;
    EXPECT_EQ(decodeEncodedWords("=?UTF-8?B?!!!?= plain", &invalid), "=?UTF-8?B?!!!?= plain");
    EXPECT_TRUE(invalid);
    invalid = false;
    EXPECT_EQ(decodeEncodedWords("what =? no", &invalid), "what =? no");
    EXPECT_FALSE(invalid);
    EXPECT_EQ(decodeEncodedWords("caf\xE9"), "caf\xC3\xA9");  // raw 8-bit Latin-1
}

TEST(EncodedWords, HeaderParameters) {
    std::string value;
    ASSERT_TRUE(
        findHeaderParameter("attachment; filename=\"a \\\"b\\\".pdf\"; size=3", "FILENAME", value));
    EXPECT_EQ(value, "a \"b\".pdf");
    ASSERT_TRUE(findHeaderParameter("text/plain; charset = utf-8 ", "charset", value));
    EXPECT_EQ(value, "utf-8");
    EXPECT_FALSE(findHeaderParameter("attachment", "filename", value));
}

TEST(MimeParser, InvalidTypesAreTextAndEncodedMessagesAreOpened) {
    Message missingSubtype =
        parse("From: a@b.c\r\nContent-Type: text; charset=us-ascii\r\n\r\nhi\r\n");
    EXPECT_EQ(missingSubtype.parts[0].content_type, "text/plain");
    EXPECT_EQ(missingSubtype.parts[0].text, "hi\r\n");
    // "Subject: inner\r\n\r\nhello" in base64:
    Message encoded = parse(
        "From: a@b.c\r\nContent-Type: multipart/mixed; boundary=e\r\n\r\n"
        "--e\r\nContent-Type: message/rfc822\r\n"
        "Content-Transfer-Encoding: base64\r\n\r\n"
        "U3ViamVjdDogaW5uZXINCg0KaGVsbG8=\r\n--e--\r\n");
    ASSERT_GE(encoded.parts.size(), 3u);
    EXPECT_TRUE(encoded.parts[1].message);
    EXPECT_EQ(encoded.parts[2].text, "hello");
    EXPECT_TRUE(encoded.hasDefect("ENCODED_MESSAGE_PART"));
    Message noHeaders = parse("This is not a header line\r\nand more text\r\n");
    ASSERT_EQ(noHeaders.parts.size(), 1u);
    EXPECT_EQ(noHeaders.parts[0].text, "This is not a header line\r\nand more text\r\n");
    EXPECT_TRUE(noHeaders.hasDefect("NOT_A_MESSAGE"));
    Message empty = parse(
        "From: a@b.c\r\nContent-Type: multipart/mixed; boundary=q\r\n\r\n"
        "no parts here\r\n--q--\r\n");
    EXPECT_TRUE(empty.hasDefect("MULTIPART_WITHOUT_PARTS"));
    Message reused = parse(
        "From: a@b.c\r\nContent-Type: multipart/mixed; boundary=r\r\n\r\n"
        "--r\r\nContent-Type: multipart/alternative; boundary=r\r\n\r\n"
        "--r\r\n\r\nx\r\n--r--\r\n");
    EXPECT_TRUE(reused.hasDefect("REUSED_BOUNDARY"));
}
