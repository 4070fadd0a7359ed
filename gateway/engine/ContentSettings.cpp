// The [content] settings (fields in Config.hpp): how the milter collects a message (in
// memory up to a limit, then in a spool file), the largest it scans, the MIME parser's
// limits, and whether authenticated senders' mail is filtered (C13, docs/features.md).
#include "gateway/config/SettingBuilders.hpp"

namespace mailgate {

void appendContentSettings(std::vector<SettingSpec>& specs) {
    using C = Config;
    using S = ContentSettings;
    constexpr std::int64_t kMebibyte = 1 << 20;
    specs.push_back(integerSetting(
        "content.max_message_size", &C::content, &S::max_message_size, 50 * kMebibyte, 1024,
        std::int64_t{1} << 34,
        "Largest message (bytes) the milter scans; a bigger one is accepted unscanned with a "
        "log line (Postfix's message_size_limit decides what is refused)."));
    specs.push_back(integerSetting(
        "content.memory_limit", &C::content, &S::memory_limit, 2 * kMebibyte, 4096,
        std::int64_t{1} << 32,
        "Bytes of one message kept in memory; beyond this the milter writes it to a file in "
        "content.spool_directory, so many big messages at once cannot exhaust memory."));
    specs.push_back(stringSetting("content.spool_directory", &C::content, &S::spool_directory, "",
                                  "Where big messages are written while they are scanned (files "
                                  "are removed at once after); empty means $TMPDIR or /tmp."));
    specs.push_back(integerSetting("content.max_mime_depth", &C::content, &S::max_mime_depth, 30, 1,
                                   1000,
                                   "Deepest MIME nesting looked into (multiparts and attached "
                                   "messages); deeper parts are skipped with MIME_TOO_COMPLEX."));
    specs.push_back(integerSetting("content.max_mime_parts", &C::content, &S::max_mime_parts, 1000,
                                   1, 1000000,
                                   "Most MIME parts read from one message; the rest are skipped "
                                   "with MIME_TOO_COMPLEX."));
    specs.push_back(integerSetting("content.max_decoded_bytes", &C::content, &S::max_decoded_bytes,
                                   64 * kMebibyte, 1024, std::int64_t{1} << 34,
                                   "Most bytes decoded (base64, quoted-printable) from all parts "
                                   "of one message together."));
    specs.push_back(integerSetting("content.max_text_bytes", &C::content, &S::max_text_bytes,
                                   kMebibyte, 1024, std::int64_t{1} << 30,
                                   "Most text kept from one text part for the checks that read "
                                   "words (HTML counts after it is reduced to its text)."));
    specs.push_back(booleanSetting(
        "content.filter_authenticated", &C::content, &S::filter_authenticated, true,
        "Run the content checks on mail from SASL-authenticated senders too; off: their mail "
        "is accepted without content checks or spam headers."));
}

}  // namespace mailgate
