# Running the mailgate C++ daemons for tests: mailgate-policyd and mailgate-milter, each
# in the foreground in its own directory with its own TOML config file and a log file
# that captures its stderr. A test may rewrite config_path (write_config) and then
# send SIGHUP (reload). Binaries come from <build>/bin, where <build> is
# $MAILGATE_BUILD_DIR or <repository>/build. It does not build anything.
import os
import re
import signal
import subprocess
from pathlib import Path

from . import mailgate_config, ports
from .process import ManagedProcess
from .service import ProcessService

REPOSITORY_ROOT = Path(__file__).resolve().parents[2]
SANITIZER_REPORT = re.compile(r"ERROR: (Address|Leak)Sanitizer|runtime error: |SUMMARY: \w+Sanitizer")


def default_build_directory():
    return Path(os.environ.get("MAILGATE_BUILD_DIR") or REPOSITORY_ROOT / "build")


def binary_path(name, build_directory=None):
    """Path of <build>/bin/<name>; raise FileNotFoundError saying how to build it."""
    path = (Path(build_directory or default_build_directory()) / "bin" / name).resolve()
    if not os.access(path, os.X_OK):
        raise FileNotFoundError(
            f"{path} is missing: build mailgate first (scripts/build.sh) or point "
            f"MAILGATE_BUILD_DIR at a build directory")
    return path


def run_mailgatectl(*args, build_directory=None, timeout=30.0):
    """Run `mailgatectl <args>`; return the CompletedProcess (text, not checked)."""
    command = [binary_path("mailgatectl", build_directory)] + [str(arg) for arg in args]
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL)


def postfix_milter_address(libmilter_socket):
    """The Postfix smtpd_milters form of a libmilter socket spec."""
    if libmilter_socket.startswith("inet:") and "@" in libmilter_socket:
        port, host = libmilter_socket[len("inet:"):].split("@", 1)
        return f"inet:{host}:{port}"
    return libmilter_socket  # unix:/path is the same in both


class MailgateDaemon(ProcessService):
    """One mailgate daemon process. Subclasses say which binary and when it is ready."""

    binary_name = None
    # Generous: libmilter notices smfi_stop() only when its listener's poll times out.
    stop_timeout = 10.0

    def __init__(self, directory, redis, build_directory=None, extra_config=None,
                 log_level="info"):
        self.directory = Path(directory)
        self.redis = redis
        self.build_directory = build_directory
        self.extra_config = dict(extra_config or {})
        self.log_level = log_level
        self.config_path = self.directory / f"{self.binary_name}.toml"
        self.log_path = self.directory / f"{self.binary_name}.log"
        self._process = None
        self._config_written = False

    # ----- configuration -----

    def config_document(self):
        """The configuration this daemon starts with, as a dict: the base settings for
        its Redis and sockets, with extra_config merged in. Tests may change a copy
        and pass it to write_config() or reload()."""
        base = mailgate_config.base_config(self.redis, self.policyd_listen(),
                                           self.milter_socket(), self.log_level)
        # Each daemon's quarantine spool in its own directory (mailgatectl run with this
        # config file sees the same one).
        base["quarantine"] = {"directory": str(self.directory / "quarantine")}
        return mailgate_config.merge_config(base, self.extra_config)

    # The other daemon's section names an unused path in this daemon's own directory;
    # LocalGateway passes the real one through extra_config so both files agree.
    def policyd_listen(self):
        return [f"unix:{self.directory / 'policyd.sock'}"]

    def milter_socket(self):
        return f"unix:{self.directory / 'milter.sock'}"

    def write_config(self, document=None):
        """Write `document` (default: config_document()) to config_path."""
        if document is None:
            document = self.config_document()
        self.directory.mkdir(parents=True, exist_ok=True)
        mailgate_config.write_config(self.config_path, document)
        self._config_written = True

    def reload(self, document=None):
        """Rewrite the config (if a document is given) and send SIGHUP."""
        if document is not None:
            self.write_config(document)
        self.send_signal(signal.SIGHUP)

    # ----- running -----

    def start(self, timeout=10.0):
        if self.is_running():
            raise RuntimeError(f"{self.binary_name} is already running (pid {self.pid})")
        self.directory.mkdir(parents=True, exist_ok=True)
        if not self._config_written:  # later starts keep what a test wrote
            self.write_config()
        command = [binary_path(self.binary_name, self.build_directory),
                   "--config", self.config_path]
        self._process = ManagedProcess(self.binary_name, command, self.log_path,
                                       working_directory=self.directory)
        self._before_start()
        return self._start_process_and_wait(lambda: self._wait_until_ready(timeout))

    def _before_start(self):
        pass

    def _wait_until_ready(self, timeout):
        raise NotImplementedError

    def sanitizer_reports(self):
        """ASan, LSan and UBSan reports the daemon wrote to its log (sanitizer builds)."""
        text = self.log_text()
        return [line for line in text.splitlines() if SANITIZER_REPORT.search(line)]

class PolicyDaemon(MailgateDaemon):
    """mailgate-policyd listening on 127.0.0.1:<port>, or on a unix socket in its
    directory when unix_socket=True. postfix_address is the check_policy_service
    argument for Postfix."""

    binary_name = "mailgate-policyd"

    def __init__(self, directory, redis, port=None, unix_socket=False, build_directory=None,
                 extra_config=None, log_level="info"):
        super().__init__(directory, redis, build_directory, extra_config, log_level)
        self.host = ports.LOOPBACK
        self.unix_socket = self.directory / "policyd.sock" if unix_socket else None
        self.port = None if unix_socket else (port or ports.free_port())

    @property
    def listen_address(self):
        if self.unix_socket:
            return f"unix:{self.unix_socket}"
        return f"inet:{self.host}:{self.port}"

    @property
    def postfix_address(self):
        return self.listen_address  # the same form in Postfix

    def policyd_listen(self):
        return [self.listen_address]

    def _before_start(self):
        _remove_stale_socket(self.unix_socket)

    def _wait_until_ready(self, timeout):
        if self.unix_socket:
            ports.wait_for_unix_socket(self.unix_socket, timeout, self._process)
        else:
            ports.wait_for_port(self.host, self.port, timeout, self._process)


class MilterDaemon(MailgateDaemon):
    """mailgate-milter on a unix socket in its directory (transport="unix", the fast
    choice) or on 127.0.0.1:<port> (transport="inet"). postfix_address is the
    smtpd_milters value for Postfix."""

    binary_name = "mailgate-milter"

    def __init__(self, directory, redis, transport="unix", port=None, build_directory=None,
                 extra_config=None, log_level="info"):
        super().__init__(directory, redis, build_directory, extra_config, log_level)
        if transport not in ("unix", "inet"):
            raise ValueError(f"milter transport must be unix or inet, not {transport!r}")
        self.host = ports.LOOPBACK
        self.unix_socket = self.directory / "milter.sock" if transport == "unix" else None
        self.port = None if self.unix_socket else (port or ports.free_port())

    @property
    def socket_spec(self):
        """The libmilter form: unix:/path or inet:PORT@127.0.0.1."""
        if self.unix_socket:
            return f"unix:{self.unix_socket}"
        return f"inet:{self.port}@{self.host}"

    @property
    def postfix_address(self):
        return postfix_milter_address(self.socket_spec)

    def milter_socket(self):
        return self.socket_spec

    def _before_start(self):
        # A socket file left by an earlier run would look ready at once.
        _remove_stale_socket(self.unix_socket)

    def _wait_until_ready(self, timeout):
        if self.unix_socket:
            # Only wait for the socket file: a connection that sends no milter command
            # would make libmilter log an error.
            _wait_for_socket_file(self.unix_socket, timeout, self._process)
        else:
            ports.wait_for_port(self.host, self.port, timeout, self._process)


def _remove_stale_socket(path):
    if path is not None and path.is_socket():
        path.unlink()


def _wait_for_socket_file(path, timeout, process):
    ports.wait_for_condition(path.is_socket, timeout, f"{path} to appear", process)
