// Loading a config file with the registry's checks (see CheckedConfig.hpp).
#include "gateway/engine/CheckedConfig.hpp"

#include "gateway/engine/CheckRegistry.hpp"

namespace mailgate {

ConfigLoadOutcome checkAgainstRegistry(ConfigLoadOutcome outcome) {
    if (!outcome.ok()) {
        return outcome;
    }
    auto problems = checkSymbolWeights(*outcome.config);
    if (!problems.empty()) {
        outcome.problems = std::move(problems);
        outcome.config.reset();
    }
    return outcome;
}

ConfigLoadOutcome loadCheckedConfig(const std::filesystem::path& path) {
    return checkAgainstRegistry(ConfigLoader::loadFile(path));
}

}  // namespace mailgate
