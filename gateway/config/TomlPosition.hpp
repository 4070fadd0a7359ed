// TomlPosition: the line and column where toml++ read a key, value or error, as the
// numbers a ConfigProblem reports (FILE:LINE:COLUMN). Shared by the readers of the config's
// own files (rule files, phrase files); not a TOML reader itself.
#pragma once

#include <toml++/toml.h>

namespace mailgate {

inline int lineOf(const toml::source_region& region) {
    return static_cast<int>(region.begin.line);
}

inline int columnOf(const toml::source_region& region) {
    return static_cast<int>(region.begin.column);
}

}  // namespace mailgate
