#!/usr/bin/env bash
# Configures and builds mailgate with CMake. Usage: scripts/build.sh [BUILD_DIR] [CMAKE_ARGS...]
# The default build directory is build/ (a RelWithDebInfo build); the test command uses
# build-test/ with sanitizers and warnings as errors. Compiles through ccache when it is
# installed (CMakeLists.txt says how the cache is shared between clones). It installs
# nothing: see scripts/install-deps.sh.
# shellcheck source=lib/errors.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/errors.sh"
root=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${1:-$root/build}
if [ $# -gt 0 ]; then
  shift
fi
cmake -S "$root" -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
cmake --build "$build_dir" --parallel "$(nproc)"
