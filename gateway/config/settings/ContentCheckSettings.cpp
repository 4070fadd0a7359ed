// The [header_checks] (B4, docs/features.md) and [mime_checks] (C12) settings: which
// findings of the content checks score how much, and whether header syntax problems
// reject. The checks are in gateway/content/; docs/content-checks.md explains them.
#include "gateway/config/SettingBuilders.hpp"

namespace mailgate {
namespace {

using C = Config;

SettingSpec headerScore(std::string name, double HeaderCheckSettings::*field, double fallback,
                        std::string description) {
    return numberSetting("header_checks." + std::move(name), &C::header_checks, field, fallback,
                         -100.0, 100.0, std::move(description));
}

SettingSpec mimeScore(std::string name, double MimeCheckSettings::*field, double fallback,
                      std::string description) {
    return numberSetting("mime_checks." + std::move(name), &C::mime_checks, field, fallback, -100.0,
                         100.0, std::move(description));
}

}  // namespace

void appendContentCheckSettings(std::vector<SettingSpec>& specs) {
    using H = HeaderCheckSettings;
    specs.push_back(choiceSetting(
        "header_checks.action", &C::header_checks, &H::action,
        {{"off", ClientCheckAction::Off},
         {"score", ClientCheckAction::Score},
         {"reject", ClientCheckAction::Reject}},
        "score",
        "The header syntax check: off; score (add its symbols); or reject (550 5.7.1) a message "
        "whose Sender, From, Reply-To, To, Cc or Bcc does not parse as RFC 5322 addresses, or "
        "whose From is missing or doubled. Missing or doubled Date and Message-ID only score."));
    specs.push_back(headerScore("score_invalid_address", &H::score_invalid_address, 3.0,
                                "Score of HEADER_<NAME>_INVALID (an address header that does not "
                                "parse)."));
    specs.push_back(
        headerScore("score_missing_from", &H::score_missing_from, 2.0, "Score of MISSING_FROM."));
    specs.push_back(headerScore("score_duplicate_from", &H::score_duplicate_from, 3.0,
                                "Score of DUPLICATE_FROM (two From fields)."));
    specs.push_back(
        headerScore("score_missing_date", &H::score_missing_date, 1.0, "Score of MISSING_DATE."));
    specs.push_back(headerScore("score_missing_message_id", &H::score_missing_message_id, 0.5,
                                "Score of MISSING_MESSAGE_ID."));
    specs.push_back(headerScore("score_duplicate_header", &H::score_duplicate_header, 1.0,
                                "Score of DUPLICATE_<NAME> for the other fields RFC 5322 allows "
                                "once (Date, Sender, Reply-To, To, Cc, Bcc, Message-ID, "
                                "In-Reply-To, References, Subject)."));

    using M = MimeCheckSettings;
    specs.push_back(booleanSetting("mime_checks.enabled", &C::mime_checks, &M::enabled, true,
                                   "Score broken MIME (the MIME_* symbols below)."));
    specs.push_back(mimeScore("score_boundary", &M::score_boundary, 1.5,
                              "MIME_BAD_BOUNDARY: a multipart without a boundary, a missing close "
                              "delimiter, a malformed multipart."));
    specs.push_back(mimeScore("score_transfer_encoding", &M::score_transfer_encoding, 1.5,
                              "MIME_BAD_TRANSFER_ENCODING: invalid base64 or quoted-printable, "
                              "an unknown Content-Transfer-Encoding."));
    specs.push_back(mimeScore("score_encoded_word", &M::score_encoded_word, 1.0,
                              "MIME_BAD_ENCODED_WORD: an RFC 2047 encoded-word that cannot be "
                              "decoded."));
    specs.push_back(mimeScore("score_8bit_header", &M::score_8bit_header, 1.0,
                              "MIME_8BIT_HEADER: 8-bit bytes in a header of a message not sent "
                              "with SMTPUTF8."));
    specs.push_back(mimeScore("score_broken_header", &M::score_broken_header, 2.0,
                              "MIME_BROKEN_HEADER: a header line without a name or colon, "
                              "conflicting fields, no header block."));
    specs.push_back(mimeScore("score_charset", &M::score_charset, 0.5,
                              "MIME_BAD_CHARSET: an unknown charset, or text invalid in it."));
    specs.push_back(mimeScore("score_too_complex", &M::score_too_complex, 2.0,
                              "MIME_TOO_COMPLEX: nesting, part count or decoded size over the "
                              "content.max_* limits."));
    specs.push_back(mimeScore("score_parameter", &M::score_parameter, 0.5,
                              "MIME_BAD_PARAMETER: a malformed Content-Type, or doubled or "
                              "conflicting parameters."));
}

}  // namespace mailgate
