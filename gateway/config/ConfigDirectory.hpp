// ConfigDirectory: the files of a directory of the config (rules.d, phrases.d) that its
// loader reads: every *.toml file, in name order, so "10-first.toml" comes before
// "20-second.toml" and the order is the postmaster's. A missing directory is a problem only
// when the postmaster named it. It reads no file; each kind of file has its own reader.
#pragma once

#include <filesystem>
#include <string_view>
#include <vector>

#include "gateway/config/ConfigProblem.hpp"

namespace mailgate {

// `what` names the directory in the problem: "rules directory".
std::vector<std::filesystem::path> tomlFilesIn(const std::filesystem::path& directory,
                                               bool required, std::string_view what,
                                               std::vector<ConfigProblem>& problems);

// Puts the problems from `first` on in line order (toml++ hands keys over in name order).
void sortProblemsByLine(std::vector<ConfigProblem>& problems, std::size_t first);

}  // namespace mailgate
