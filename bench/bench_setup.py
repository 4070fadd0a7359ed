# What every benchmark does before it measures, so each is one command on a fresh clone:
# install mailgate's packages and the benchmark's own peer (postgrey, rspamd, pyspf) with
# scripts/install-deps.sh, which keeps the peer's system service from starting; build
# mailgate with scripts/build.sh into build/ (CMake rebuilds what changed, by content
# and dependencies, and nothing when it is current; ccache makes a fresh clone's build
# quick when the cache is warm); refuse a sanitizer build, whose figures mean nothing.
# It measures nothing itself.
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def add_setup_arguments(parser):
    parser.add_argument("--no-setup", action="store_true",
                        help="install nothing and build nothing: use the build as it is")
    parser.add_argument("--allow-sanitizer-build", action="store_true",
                        help="measure a sanitizer build anyway (figures are then not meaningful)")


def build_directory():
    return Path(os.environ.get("MAILGATE_BUILD_DIR") or ROOT / "build").resolve()


def prepare(arguments, packages=()):
    """Install `packages` (Debian names) and build mailgate; -> (build directory, kind),
    kind being "sanitizer" or the CMake build type. Exits with the reason on failure."""
    build = build_directory()
    if not arguments.no_setup:
        _run([ROOT / "scripts" / "install-deps.sh", *packages], "installing packages")
        _run([ROOT / "scripts" / "build.sh", build], f"building mailgate into {build}")
    cache = build / "CMakeCache.txt"
    text = cache.read_text() if cache.exists() else ""
    sanitizer = "MAILGATE_SANITIZE:BOOL=ON" in text
    if sanitizer and not arguments.allow_sanitizer_build:
        sys.exit(f"{build} is a sanitizer build (several times slower); benchmarks use build/ "
                 "(unset MAILGATE_BUILD_DIR), or pass --allow-sanitizer-build")
    kind = "sanitizer" if sanitizer else next(
        (line.split("=", 1)[1] for line in text.splitlines()
         if line.startswith("CMAKE_BUILD_TYPE:")), "unknown")
    return build, kind


def program(build, override, name):
    """The path of a built program (or `override`); exits saying how to get it."""
    path = Path(override) if override else build / "bin" / name
    if not os.access(path, os.X_OK):
        sys.exit(f"{path} is missing: scripts/build.sh {build}, or pass its path")
    return path.resolve()


def _run(command, what):
    print(f"setup: {what}", file=sys.stderr, flush=True)
    completed = subprocess.run([str(part) for part in command], stdout=sys.stderr)
    if completed.returncode != 0:
        sys.exit(f"setup failed while {what}: {command[0]} exited with status "
                 f"{completed.returncode} (its messages are above)")
