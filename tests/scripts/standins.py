# Stand-ins for the system tools the set-up scripts call (apt-get, dpkg-query,
# debconf-set-selections, id, npm), for tests/scripts: each is a small program in a
# test's own bin/ directory that answers from, and records into, files in the test's
# state/ directory, so a test can say which packages are missing, make apt-get fail, and
# read back what the script asked for. Nothing here installs anything or touches /usr.
import json
import os
import shutil
import subprocess
import textwrap
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[2]
INSTALL_DEPS = REPOSITORY / "scripts" / "install-deps.sh"

# The real programs install-deps.sh needs besides the stand-ins; nothing else of the
# system is on PATH, so a command it starts using unannounced fails the tests loudly.
REAL_TOOLS = ["bash", "grep", "dirname", "chmod", "rm", "cat"]

DPKG_QUERY = """\
#!/usr/bin/python3
# Stand-in dpkg-query: -W -f='${Status}' PACKAGE; every package is installed except those
# listed in state/missing.
import os, sys
state = os.environ["FAKE_DEBIAN_STATE"]
package = sys.argv[-1]
with open(os.path.join(state, "queries"), "a") as queries:
    queries.write(package + "\\n")
with open(os.path.join(state, "missing")) as missing:
    if package in missing.read().split():
        sys.stderr.write(f"dpkg-query: no packages found matching {package}\\n")
        sys.exit(1)
sys.stdout.write("install ok installed")
"""

APT_GET = """\
#!/usr/bin/python3
# Stand-in apt-get: records each call (arguments, environment, the policy-rc.d in force at
# that moment); `install` removes its packages from state/missing (except those listed in
# state/skips) and provides the npm command when asked for npm; state/fails names a
# subcommand that exits 100 as apt-get does on errors.
import json, os, sys
state = os.environ["FAKE_DEBIAN_STATE"]
policy = os.environ["MAILGATE_POLICY_RC_D"]
def read(name):
    with open(os.path.join(state, name)) as f:
        return f.read().split()
call = {"arguments": sys.argv[1:], "debian_frontend": os.environ.get("DEBIAN_FRONTEND"),
        "policy_rc_d": None, "policy_rc_d_executable": False}
if os.path.exists(policy):
    with open(policy) as f:
        call["policy_rc_d"] = f.read()
    call["policy_rc_d_executable"] = os.access(policy, os.X_OK)
with open(os.path.join(state, "apt-get-calls"), "a") as calls:
    calls.write(json.dumps(call) + "\\n")
subcommand = [argument for argument in sys.argv[1:] if not argument.startswith("-")]
if subcommand and subcommand[0] in read("fails"):
    sys.stderr.write(f"E: stand-in apt-get {subcommand[0]} fails as asked\\n")
    sys.exit(100)
if subcommand and subcommand[0] == "install":
    wanted = subcommand[1:]
    skipped = read("skips")
    missing = [p for p in read("missing") if p not in wanted or p in skipped]
    with open(os.path.join(state, "missing"), "w") as f:
        f.write("\\n".join(missing) + "\\n")
    if "npm" in wanted:
        npm = os.path.join(os.environ["FAKE_DEBIAN_BIN"], "npm")
        with open(npm, "w") as f:
            f.write("#!/bin/sh\\necho 9.2.0\\n")
        os.chmod(npm, 0o755)
"""

DEBCONF_SET_SELECTIONS = """\
#!/usr/bin/python3
# Stand-in debconf-set-selections: appends what it reads to state/debconf.
import os, sys
with open(os.path.join(os.environ["FAKE_DEBIAN_STATE"], "debconf"), "a") as f:
    f.write(sys.stdin.read())
"""

ID = """\
#!/bin/sh
# Stand-in id: -u prints the user ID the test chose.
echo "{user_id}"
"""

NPM = "#!/bin/sh\necho 11.0.0\n"


class FakeDebian:
    """A bin/ and state/ directory pair under `root` standing in for a Debian machine."""

    def __init__(self, root, missing=(), apt_get_fails=None, apt_get_skips=(), npm_command=True,
                 user_id=0):
        self.root = Path(root)
        self.bin = self.root / "bin"
        self.state = self.root / "state"
        self.policy_rc_d = self.root / "policy-rc.d"
        self.bin.mkdir()
        self.state.mkdir()
        (self.state / "missing").write_text("\n".join(missing) + "\n")
        (self.state / "fails").write_text((apt_get_fails or "") + "\n")
        (self.state / "skips").write_text("\n".join(apt_get_skips) + "\n")
        for name in ("queries", "apt-get-calls", "debconf"):
            (self.state / name).write_text("")
        self._write_program("dpkg-query", DPKG_QUERY)
        self._write_program("apt-get", APT_GET)
        self._write_program("debconf-set-selections", DEBCONF_SET_SELECTIONS)
        self._write_program("id", ID.format(user_id=user_id))
        if npm_command:
            self._write_program("npm", NPM)
        for tool in REAL_TOOLS:
            (self.bin / tool).symlink_to(shutil.which(tool))

    def _write_program(self, name, text):
        path = self.bin / name
        path.write_text(textwrap.dedent(text))
        path.chmod(0o755)

    def environment(self):
        return {
            "PATH": str(self.bin),
            "FAKE_DEBIAN_STATE": str(self.state),
            "FAKE_DEBIAN_BIN": str(self.bin),
            "MAILGATE_POLICY_RC_D": str(self.policy_rc_d),
            "HOME": str(self.root),
            "LANG": "C.UTF-8",
        }

    def run(self, script, *arguments):
        return subprocess.run([str(script), *arguments], env=self.environment(),
                              capture_output=True, text=True, timeout=60,
                              stdin=subprocess.DEVNULL)

    def apt_get_calls(self):
        text = (self.state / "apt-get-calls").read_text()
        return [json.loads(line) for line in text.splitlines()]

    def queried_packages(self):
        return (self.state / "queries").read_text().split()

    def debconf_selections(self):
        return (self.state / "debconf").read_text()


def write_failing_program(directory, name, status):
    """A stand-in `name` in `directory` that exits with `status`, for error-report tests."""
    directory.mkdir(exist_ok=True)
    path = Path(directory) / name
    path.write_text(f"#!/bin/sh\necho 'stand-in {name} fails' >&2\nexit {status}\n")
    path.chmod(0o755)
    return path


def environment_with_first_on_path(directory, **extra):
    environment = dict(os.environ)
    environment["PATH"] = f"{directory}:{environment['PATH']}"
    environment.update(extra)
    return environment
