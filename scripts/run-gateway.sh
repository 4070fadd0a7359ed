#!/usr/bin/env bash
# Runs a whole mailgate gateway on 127.0.0.1 for trying it by hand: installs missing
# packages, builds mailgate, then runs `python3 -m devgateway` (Redis, an SMTP sink as
# the internal mail server, mailgate-policyd, mailgate-milter and a private Postfix on
# 127.0.0.1:2525) until Ctrl-C. Arguments go to devgateway (--smtp-port, --directory,
# --log-level, --without-milter, ...). It is not a production launcher.
# shellcheck source=lib/errors.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/errors.sh"

repository=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

"$repository/scripts/install-deps.sh"
"$repository/scripts/build.sh"

# Debian's python3: it has the python3-aiosmtpd package (a pyenv python3 may not).
export PYTHONPATH="$repository/tools${PYTHONPATH:+:$PYTHONPATH}"
export MAILGATE_BUILD_DIR="${MAILGATE_BUILD_DIR:-$repository/build}"
# Postfix's master must start as root; the build above stays with the calling user.
if [ "$(id -u)" -eq 0 ]; then
  exec /usr/bin/python3 -m devgateway "$@"
fi
exec sudo --preserve-env=PYTHONPATH,MAILGATE_BUILD_DIR /usr/bin/python3 -m devgateway "$@"
