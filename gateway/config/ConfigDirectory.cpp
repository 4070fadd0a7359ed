// The *.toml files of a config directory, in name order (see ConfigDirectory.hpp).
#include "gateway/config/ConfigDirectory.hpp"

#include <algorithm>
#include <string>

namespace mailgate {

std::vector<std::filesystem::path> tomlFilesIn(const std::filesystem::path& directory,
                                               bool required, std::string_view what,
                                               std::vector<ConfigProblem>& problems) {
    std::vector<std::filesystem::path> paths;
    std::error_code error;
    if (!std::filesystem::is_directory(directory, error)) {
        if (required) {
            problems.push_back({directory.string(), 0, 0, "",
                                std::string(what) + " " + directory.string() + " does not exist"});
        }
        return paths;
    }
    for (const auto& entry : std::filesystem::directory_iterator(directory, error)) {
        if (entry.is_regular_file() && entry.path().extension() == ".toml") {
            paths.push_back(entry.path());
        }
    }
    std::sort(paths.begin(), paths.end());
    return paths;
}

void sortProblemsByLine(std::vector<ConfigProblem>& problems, std::size_t first) {
    std::stable_sort(
        problems.begin() + static_cast<std::ptrdiff_t>(std::min(first, problems.size())),
        problems.end(),
        [](const ConfigProblem& a, const ConfigProblem& b) { return a.line < b.line; });
}

}  // namespace mailgate
