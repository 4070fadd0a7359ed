// loadCheckedConfig: the config file as every program loads it: ConfigLoader's checks of
// each setting, then the checks of the whole snapshot against the check registry (a weight
// naming a symbol no check emits), all reported with file and line. ConfigLoader alone
// (the fuzz targets, the loader's own tests) knows nothing of the checks.
#pragma once

#include <filesystem>

#include "gateway/config/ConfigLoader.hpp"

namespace mailgate {

ConfigLoadOutcome loadCheckedConfig(const std::filesystem::path& path);
// The registry's checks of an outcome ConfigLoader produced (for loadText in tests).
ConfigLoadOutcome checkAgainstRegistry(ConfigLoadOutcome outcome);

}  // namespace mailgate
