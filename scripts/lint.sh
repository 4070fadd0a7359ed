#!/usr/bin/env bash
# Static checks of the repository's own text, run by the test command before it builds:
# ShellCheck on every shell script, pyflakes on every Python file (unused imports and
# names, undefined names) and clang-format (the repository's .clang-format) on every
# C++ file. Usage: scripts/lint.sh [--fix]; --fix rewrites the C++ files that
# clang-format would change instead of failing on them (shellcheck findings are fixed by
# hand). It builds nothing and needs no network.
# shellcheck source=lib/errors.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/errors.sh"
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

# Everything the repository holds, never build trees or installed node modules.
repository_files() {
  find . \( -name '.git' -o -name 'build*' -o -name node_modules \) -prune -o -type f \
    \( "$@" \) -print | sort
}

mapfile -t shell_scripts < <(repository_files -name '*.sh' -o -path ./.ci/run)
mapfile -t cpp_files < <(repository_files -name '*.cpp' -o -name '*.hpp' -o -name '*.h')
mapfile -t python_files < <(repository_files -name '*.py')

echo "lint: shellcheck on ${#shell_scripts[@]} scripts"
shellcheck "${shell_scripts[@]}"
echo "lint: pyflakes on ${#python_files[@]} Python files"
/usr/bin/python3 -m pyflakes "${python_files[@]}"

if [ "${1:-}" = --fix ]; then
  clang-format -i "${cpp_files[@]}"
  echo "lint: clang-format rewrote what differed in ${#cpp_files[@]} C++ files"
  exit 0
fi
echo "lint: clang-format --dry-run -Werror on ${#cpp_files[@]} C++ files"
if ! clang-format --dry-run -Werror "${cpp_files[@]}" 2>"${TMPDIR:-/tmp}/mailgate-lint.$$"; then
  mapfile -t differing < <(grep -o '^[^:]*:[0-9]*:[0-9]*: error' "${TMPDIR:-/tmp}/mailgate-lint.$$" |
    cut -d: -f1 | sort -u)
  rm -f "${TMPDIR:-/tmp}/mailgate-lint.$$"
  echo "lint: ${#differing[@]} C++ files are not formatted: ${differing[*]}" >&2
  echo "lint: run scripts/lint.sh --fix, review the diff, commit it" >&2
  exit 1
fi
rm -f "${TMPDIR:-/tmp}/mailgate-lint.$$"
