// The [header_forensics] settings (B4, docs/content-checks.md; fields in Config.hpp): the
// checks of how a message's header is written (SubjectShapeCheck, SenderIdentityCheck,
// HeaderShapeCheck) and the freemail domains SenderIdentityCheck knows.
#include "gateway/config/SettingBuilders.hpp"

namespace mailgate {

void appendHeaderForensicsSettings(std::vector<SettingSpec>& specs) {
    using C = Config;
    using H = HeaderForensicsSettings;
    specs.push_back(booleanSetting(
        "header_forensics.enabled", &C::header_forensics, &H::enabled, true,
        "The header forensics: the Subject's shape, whether the sender is named consistently "
        "(From, its display name, Reply-To) and standard fields missing or odd. Their scores "
        "are in scoring.symbol_weights (fitted on data, docs/content-checks.md)."));
    specs.push_back(stringListSetting(
        "header_forensics.freemail_domains", &C::header_forensics, &H::freemail_domains,
        {"gmail.com",      "googlemail.com", "yahoo.com",  "yahoo.co.uk", "ymail.com",
         "hotmail.com",    "outlook.com",    "live.com",   "msn.com",     "aol.com",
         "gmx.com",        "gmx.net",        "gmx.de",     "web.de",      "mail.com",
         "mail.ru",        "yandex.ru",      "yandex.com", "icloud.com",  "me.com",
         "protonmail.com", "proton.me",      "zoho.com",   "qq.com",      "163.com",
         "126.com",        "rediffmail.com", "excite.com", "lycos.com",   "netscape.net"},
        "Mail domains where anyone can get a mailbox: replies directed to one of them, away "
        "from the From address, score REPLY_TO_FREEMAIL."));
}

}  // namespace mailgate
