// Unit tests of the quarantine metadata file: an entry reads back as written, byte for byte
// when written again, and damaged or hostile text (cut short, wrong types, oversize fields,
// NUL bytes, unknown statuses or keys) is an error value naming what is wrong.
#include <gtest/gtest.h>

#include <string>

#include "gateway/quarantine/MetadataText.hpp"
#include "gateway/quarantine/QuarantineMetadata.hpp"
#include "tests/unit/quarantine/QuarantineTestEntries.hpp"

using namespace mailgate;
using mailgate::testing::sampleEntry;

namespace {

void expectSameEntry(const QuarantineEntry& read, const QuarantineEntry& written) {
    EXPECT_EQ(read.mailgate_id, written.mailgate_id);
    EXPECT_EQ(read.queue_id, written.queue_id);
    EXPECT_EQ(read.node, written.node);
    EXPECT_EQ(read.received, written.received);
    EXPECT_EQ(read.envelope_sender, written.envelope_sender);
    EXPECT_EQ(read.client_address, written.client_address);
    EXPECT_EQ(read.client_name, written.client_name);
    EXPECT_EQ(read.helo, written.helo);
    EXPECT_EQ(read.message_id, written.message_id);
    EXPECT_EQ(read.subject, written.subject);
    EXPECT_EQ(read.score, written.score);
    EXPECT_EQ(read.reason, written.reason);
    EXPECT_EQ(read.body_size, written.body_size);
    EXPECT_EQ(read.body_sha256, written.body_sha256);
    ASSERT_EQ(read.symbols.size(), written.symbols.size());
    for (std::size_t i = 0; i < read.symbols.size(); ++i) {
        EXPECT_EQ(read.symbols[i].name, written.symbols[i].name);
        EXPECT_EQ(read.symbols[i].score, written.symbols[i].score);
        EXPECT_EQ(read.symbols[i].detail, written.symbols[i].detail);
    }
    EXPECT_EQ(read.recipients, written.recipients);
}

std::string written(const QuarantineEntry& entry) {
    auto text = writeQuarantineMetadata(entry);
    EXPECT_TRUE(text.ok()) << text.error();
    return text.ok() ? text.value() : std::string();
}

// The sample's text with `from` replaced by `to` (which must be there).
std::string edited(const std::string& from, const std::string& to) {
    auto text = written(sampleEntry());
    auto at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return at == std::string::npos ? text : text.replace(at, from.size(), to);
}

std::string readError(std::string_view text) {
    auto entry = readQuarantineMetadata(text);
    EXPECT_FALSE(entry.ok()) << text;
    return entry.ok() ? std::string() : entry.error();
}

}  // namespace

TEST(QuarantineMetadata, EveryFieldAndStatusReadsBackAsWritten) {
    auto entry = sampleEntry();
    entry.body_size = 1234;
    entry.body_sha256 = std::string(64, 'a');
    auto text = written(entry);
    auto read = readQuarantineMetadata(text);
    ASSERT_TRUE(read.ok()) << read.error() << "\n" << text;
    expectSameEntry(read.value(), entry);
    EXPECT_EQ(written(read.value()), text);
}

TEST(QuarantineMetadata, WritingIsDeterministicAndReadable) {
    auto text = written(sampleEntry());
    EXPECT_EQ(written(sampleEntry()), text);
    EXPECT_EQ(text.rfind("# mailgate quarantine metadata", 0), 0u);
    EXPECT_NE(text.find("\nformat = 1\n"), std::string::npos);
    EXPECT_NE(text.find("\nscore = 12.3\n"), std::string::npos);
    EXPECT_NE(text.find("[[recipient]]\naddress = \"bob@example.org\"\nstatus = \"releasing\"\n"
                        "claim_token = \"claim-7f3a\"\nclaim_expires = 1709294700\n"),
              std::string::npos);
}

TEST(QuarantineMetadata, BytesThatAreNotUtf8AndControlCharactersReadBackExactly) {
    auto entry = sampleEntry();
    entry.envelope_sender = "j\xE9r\xF4me@example.fr";  // Latin-1, not UTF-8
    entry.subject = std::string("nul\0inside\r\n\x7F end", 18);
    entry.helo = "\xED\xA0\x80";  // an encoded surrogate: not UTF-8 either
    auto text = written(entry);
    EXPECT_NE(text.find("envelope_sender = { bytes_hex = \"6ae972f46d65406578616d706c652e6672\" }"),
              std::string::npos);
    auto read = readQuarantineMetadata(text);
    ASSERT_TRUE(read.ok()) << read.error();
    expectSameEntry(read.value(), entry);
}

TEST(QuarantineMetadata, ScoresReadBackExactly) {
    for (double score : {0.0, -0.0, 12.0, 0.1 + 0.2, 1e-7, -3.25, 1e300}) {
        auto entry = sampleEntry();
        entry.score = score;
        entry.symbols[0].score = -score;
        auto read = readQuarantineMetadata(written(entry));
        ASSERT_TRUE(read.ok()) << score << ": " << read.error();
        EXPECT_EQ(read->score, score);
        EXPECT_EQ(read->symbols[0].score, -score);
    }
}

TEST(QuarantineMetadata, LongFreeTextIsShortenedAtACharacterBoundary) {
    auto entry = sampleEntry();
    entry.subject.clear();
    for (int i = 0; i < 3000; ++i) {
        entry.subject += "\xC3\xA9";  // 2 bytes each, 6000 in all
    }
    entry.symbols[0].detail = std::string(5000, 'd');
    auto read = readQuarantineMetadata(written(entry));
    ASSERT_TRUE(read.ok()) << read.error();
    EXPECT_EQ(read->subject.size(), kMaxQuarantineTextBytes);
    EXPECT_TRUE(isStrictUtf8(read->subject));
    EXPECT_EQ(read->symbols[0].detail, std::string(kMaxQuarantineDetailBytes, 'd'));
}

TEST(QuarantineMetadata, AnEntryThatCannotBeWrittenIsAnError) {
    auto badId = sampleEntry("../../etc/passwd");
    EXPECT_FALSE(writeQuarantineMetadata(badId).ok());
    auto noRecipient = sampleEntry();
    noRecipient.recipients.clear();
    EXPECT_FALSE(writeQuarantineMetadata(noRecipient).ok());
    auto notANumber = sampleEntry();
    notANumber.score = std::nan("");
    EXPECT_FALSE(writeQuarantineMetadata(notANumber).ok());
    auto longAddress = sampleEntry();
    longAddress.recipients[0].address = std::string(2000, 'a') + "@example.org";
    auto refused = writeQuarantineMetadata(longAddress);
    ASSERT_FALSE(refused.ok());
    EXPECT_NE(refused.error().find("recipient.address"), std::string::npos) << refused.error();
}

TEST(QuarantineMetadata, EveryTruncationIsAnError) {
    auto entry = sampleEntry();
    entry.recipients = {{"alice@example.org", RecipientQuarantined{}}};
    auto text = written(entry);
    auto whole = text.rfind("quarantined\"");
    for (std::size_t length = 0; length < whole; ++length) {
        auto read = readQuarantineMetadata(std::string_view(text).substr(0, length));
        EXPECT_FALSE(read.ok()) << "cut at " << length;
    }
}

TEST(QuarantineMetadata, WrongTypesAreErrorsNamingTheKey) {
    EXPECT_NE(readError(edited("received = 1709294400", "received = \"yesterday\""))
                  .find("received: expected an integer"),
              std::string::npos);
    EXPECT_NE(readError(edited("score = 12.3", "score = \"high\"")).find("score"),
              std::string::npos);
    EXPECT_NE(readError(edited("subject = \"", "subject = 3 #")).find("subject"),
              std::string::npos);
    EXPECT_NE(readError(edited("status = \"quarantined\"", "status = 3")).find("recipient.status"),
              std::string::npos);
    EXPECT_NE(readError("format = 1\nmailgate_id = \"" + mailgate::testing::sampleId() +
                        "\"\nreceived = 1\nrecipient = \"alice@example.org\"\n")
                  .find("recipient"),
              std::string::npos);
    EXPECT_NE(readError(edited("body_size = 0", "body_size = -5")).find("body_size"),
              std::string::npos);
    EXPECT_FALSE(readQuarantineMetadata(edited("received = 1709294400", "received = -1")).ok());
}

TEST(QuarantineMetadata, UnknownStatusesKeysAndFormatsAreErrors) {
    EXPECT_NE(readError(edited("status = \"quarantined\"", "status = \"teleported\""))
                  .find("unknown status \"teleported\""),
              std::string::npos);
    EXPECT_NE(readError(edited("helo = ", "color = \"red\"\nhelo = ")).find("color: unknown key"),
              std::string::npos);
    EXPECT_NE(readError(edited("format = 1", "format = 2")).find("format 2"), std::string::npos);
    EXPECT_NE(readError(edited("format = 1\n", "")).find("format: missing"), std::string::npos);
    // A status with another status's fields, or without its own.
    EXPECT_FALSE(readQuarantineMetadata(edited("status = \"quarantined\"",
                                               "status = \"quarantined\"\nclaim_token = \"x\""))
                     .ok());
    EXPECT_FALSE(
        readQuarantineMetadata(edited("server_reply = \"250 2.0.0 Ok: queued\"\n", "")).ok());
}

TEST(QuarantineMetadata, NulBytesAndBadHexAreErrors) {
    auto text = written(sampleEntry());
    std::string withNul = text;
    withNul.insert(withNul.find("subject = \"") + 11, 1, '\0');
    EXPECT_FALSE(readQuarantineMetadata(withNul).ok());
    EXPECT_FALSE(readQuarantineMetadata(std::string("format = 1\0", 11)).ok());
    EXPECT_FALSE(readQuarantineMetadata(
                     edited("helo = \"mail.sender.example\"", "helo = { bytes_hex = \"zz\" }"))
                     .ok());
    EXPECT_FALSE(readQuarantineMetadata(edited("helo = \"mail.sender.example\"",
                                               "helo = { bytes_hex = \"61\", more = 1 }"))
                     .ok());
}

TEST(QuarantineMetadata, OversizeFieldsAndFilesAreErrors) {
    std::string longSubject = "subject = \"" + std::string(kMaxQuarantineTextBytes + 1, 's') + "\"";
    auto text = written(sampleEntry());
    auto subjectLine = text.find("subject = ");
    ASSERT_NE(subjectLine, std::string::npos);
    auto end = text.find('\n', subjectLine);
    text.replace(subjectLine, end - subjectLine, longSubject);
    EXPECT_NE(readError(text).find("subject: 4097 bytes"), std::string::npos);

    std::string huge = written(sampleEntry());
    huge += "# " + std::string(kMaxQuarantineMetadataBytes, '#') + "\n";
    EXPECT_NE(readError(huge).find("more than"), std::string::npos);

    std::string many = written(sampleEntry());
    for (std::size_t i = 0; i <= kMaxQuarantineRecipients; ++i) {
        many += "\n[[recipient]]\naddress = \"r@x\"\nstatus = \"quarantined\"\n";
    }
    EXPECT_NE(readError(many).find("recipient"), std::string::npos);
}

TEST(QuarantineMetadata, DeepNestingIsAnErrorNotACrash) {
    std::string deep = "format = 1\nx = " + std::string(100000, '[') + std::string(100000, ']');
    EXPECT_FALSE(readQuarantineMetadata(deep).ok());
}
