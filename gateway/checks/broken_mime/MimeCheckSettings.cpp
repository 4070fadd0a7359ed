// The [mime_checks] settings (C12, docs/features.md; fields in Config.hpp, the check in
// BrokenMimeCheck): whether broken MIME scores, and how much each kind of defect scores.
// docs/content-checks.md explains them.
#include "gateway/config/SettingBuilders.hpp"

namespace mailgate {
namespace {

using C = Config;

SettingSpec mimeScore(std::string name, double MimeCheckSettings::*field, double fallback,
                      std::string description) {
    return numberSetting("mime_checks." + std::move(name), &C::mime_checks, field, fallback, -100.0,
                         100.0, std::move(description));
}

}  // namespace

void appendMimeCheckSettings(std::vector<SettingSpec>& specs) {
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
