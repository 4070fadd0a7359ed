# shellcheck shell=bash
# Sourced first by every script under scripts/ (and by .ci/run): strict mode, and when a
# command fails, one line on stderr naming the script, the line, the command and its
# status, so no script ever stops without saying why. It does not decide what counts as a
# failure (set -euo pipefail does) and it installs no EXIT trap: scripts that clean up
# on exit do it themselves and keep their own exit status (see install-deps.sh).
set -Eeuo pipefail

report_failed_command() {
  local status=$1 command=$2 line=$3
  # Inherited by functions and subshells (set -E): say it once, where it happened.
  if [ "${failure_reported:-}" != yes ]; then
    echo "${0##*/}: line $line: '$command' failed with status $status" >&2
    failure_reported=yes
  fi
}
trap 'report_failed_command "$?" "$BASH_COMMAND" "$LINENO"' ERR
