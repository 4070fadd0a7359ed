#!/usr/bin/env bash
# Configures and builds mailgate with CMake. Usage: scripts/build.sh [BUILD_DIR] [CMAKE_ARGS...]
# The default build directory is build/ (a RelWithDebInfo build); the test command uses
# build-test/ with sanitizers and warnings as errors. It installs nothing: see
# scripts/install-deps.sh.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${1:-$root/build}
shift || true
cmake -S "$root" -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
cmake --build "$build_dir" --parallel "$(nproc)"
