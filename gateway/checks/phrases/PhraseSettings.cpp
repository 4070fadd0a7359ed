// The [phrases] settings (C9, docs/phrase-filter.md; fields in Config.hpp): whether the
// phrase filter runs and where its phrase files are. The files themselves are read by
// PhraseFile.cpp when the config loads.
#include "gateway/config/SettingBuilders.hpp"

namespace mailgate {

void appendPhraseSettings(std::vector<SettingSpec>& specs) {
    using C = Config;
    using P = PhraseSettings;
    specs.push_back(booleanSetting(
        "phrases.enabled", &C::phrases, &P::enabled, true,
        "The phrase filter: words, phrases and RE2 patterns of the phrase files found in the "
        "decoded Subject and text, each adding its own PHRASE_ symbol with its weight."));
    specs.push_back(stringSetting(
        "phrases.directory", &C::phrases, &P::directory, "phrases.d",
        "Directory of phrase files (*.toml), relative to this config file's directory, read "
        "in name order and reloaded with the config. mailgate ships a default list "
        "(config/phrases.d/50-default.toml)."));
}

}  // namespace mailgate
