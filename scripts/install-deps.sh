#!/usr/bin/env bash
# Installs every Debian package mailgate needs to build, test and run locally, and any
# further packages named as arguments (the benchmarks' peers: scripts/install-deps.sh
# postgrey). Idempotent and noninteractive: safe to run on every build and in CI. It does not
# build anything and does not start any service (package maintainer scripts are kept
# from starting system daemons; our tests start private instances on loopback).
# Its own test is tests/scripts/test_install_deps.py (a stand-in apt-get and dpkg-query).
# MAILGATE_POLICY_RC_D names the policy-rc.d file to use (default /usr/sbin/policy-rc.d);
# only that test changes it.
# shellcheck source=lib/errors.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/errors.sh"

packages=(
  build-essential cmake g++ pkg-config clang-format clang libclang-rt-14-dev ccache shellcheck
  libmilter-dev libboost-dev libboost-system-dev libhiredis-dev libssl-dev
  libgtest-dev libgmock-dev libtomlplusplus-dev libunbound-dev libre2-dev libgmime-3.0-dev
  libpsl-dev libidn2-dev publicsuffix
  postfix redis-server swaks nsd
  python3 python3-pytest python3-aiosmtpd python3-dnspython python3-yaml python3-pyflakes
  "$@"
)

missing_packages() {
  local package
  for package in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
      echo "$package"
    fi
  done
  # The test command runs npm. Ask for the command, not the package: NodeSource's nodejs
  # provides npm itself and conflicts with Debian's npm package.
  if ! command -v npm >/dev/null; then
    echo npm
  fi
}

mapfile -t missing < <(missing_packages)
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: missing packages: ${missing[*]}; run this script as root" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
# Postfix must install as "No configuration", never as an Internet site.
echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections

# Keep maintainer scripts from starting system-wide postfix or redis on port 25/6379. A
# policy-rc.d that is already there (most container and CI images have one) is left
# exactly as it is.
policy=${MAILGATE_POLICY_RC_D:-/usr/sbin/policy-rc.d}
created_policy=no
remove_created_policy() {
  local status=$?
  if [ "$created_policy" = yes ]; then
    rm -f "$policy"
  fi
  # The clean-up's own status must never become the script's.
  exit "$status"
}
trap remove_created_policy EXIT
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy"
  chmod 755 "$policy"
  created_policy=yes
fi

if ! apt-get update -qq; then
  echo "install-deps: 'apt-get update' failed; packages still missing: ${missing[*]}" >&2
  exit 1
fi
if ! apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; then
  echo "install-deps: 'apt-get install' failed for: ${missing[*]}" >&2
  exit 1
fi

mapfile -t still_missing < <(missing_packages)
if [ ${#still_missing[@]} -ne 0 ]; then
  echo "install-deps: still missing after apt-get install: ${still_missing[*]}" >&2
  exit 1
fi
echo "install-deps: installed ${missing[*]}"
