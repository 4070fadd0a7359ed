// ConfigProblem: one thing wrong in a config or rule file, with the position a
// postmaster needs to fix it (file, line, column, key). Loading collects all of them
// instead of stopping at the first, so one `mailgatectl check-config` run shows every error.
#pragma once

#include <string>
#include <vector>

namespace mailgate {

struct ConfigProblem {
    std::string file;
    int line = 0;  // 0 when the problem has no single position (a missing file)
    int column = 0;
    std::string key;  // dotted key, empty when the problem is not about one key
    std::string message;

    // "FILE:LINE:COLUMN: KEY: MESSAGE", the form compilers use, so editors can jump to it.
    std::string describe() const;
};

std::string describeProblems(const std::vector<ConfigProblem>& problems);

}  // namespace mailgate
