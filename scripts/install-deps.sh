#!/usr/bin/env bash
# Installs every Debian package mailgate needs to build, test and run locally.
# Idempotent and noninteractive: safe to run on every build and in CI. It does not
# build anything and does not start any service (package maintainer scripts are kept
# from starting system daemons; our tests start private instances on loopback).
set -euo pipefail

packages=(
  build-essential cmake g++ pkg-config clang-format clang libclang-rt-14-dev
  libmilter-dev libboost-dev libboost-system-dev libhiredis-dev libssl-dev
  libgtest-dev libgmock-dev libtomlplusplus-dev libunbound-dev libre2-dev libgmime-3.0-dev
  postfix redis-server swaks nsd
  python3 python3-pytest python3-aiosmtpd python3-dnspython python3-yaml
)

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: missing packages: ${missing[*]}; run this script as root" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
# Postfix must install as "No configuration", never as an Internet site.
echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections

# Keep maintainer scripts from starting system-wide postfix or redis on port 25/6379.
policy=/usr/sbin/policy-rc.d
created_policy=no
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy"
  chmod 755 "$policy"
  created_policy=yes
fi
cleanup() { [ "$created_policy" = yes ] && rm -f "$policy"; }
trap cleanup EXIT

apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: installed ${missing[*]}"
