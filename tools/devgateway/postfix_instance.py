# A private Postfix instance for tests and the local gateway: its own config, queue and
# data directories and log file under one directory, smtpd on 127.0.0.1:<smtp_port>
# only, every message relayed to [127.0.0.1]:<relay_port> (the SMTP sink) with no DNS
# at all, optionally calling a policy service at RCPT time and milters at SMTP time,
# wired exactly as config/postfix/main.cf and master.cf (the documented wiring) say.
# It runs as root (the master) like a real Postfix; smtpd and the other daemons run as
# user postfix. It does not touch /etc/postfix or the system's Postfix instance.
import grp
import json
import os
import pwd
import re
import signal
import socket
import subprocess
import time
from pathlib import Path

from . import log_files, ports
from .service import LoggedService

POSTFIX_USER = "postfix"

# The wiring a postmaster copies (docs/postfix-integration.md); every instance uses it.
DOCUMENTED_MAIN_CF = Path(__file__).resolve().parents[2] / "config" / "postfix" / "main.cf"
DOCUMENTED_MASTER_CF = Path(__file__).resolve().parents[2] / "config" / "postfix" / "master.cf"
# The quarantine release service of master.cf, moved to a free port per instance.
DOCUMENTED_RELEASE_SERVICE = "127.0.0.1:10025"


class PostfixCommandError(RuntimeError):
    pass



def _documented_default_action():
    """What Postfix answers when mailgate-policyd cannot be reached, from main.cf."""
    text = DOCUMENTED_MAIN_CF.read_text()
    return re.search(r"default_action = ([^}]*?) \}", text).group(1)


POLICY_UNAVAILABLE_ACTION = _documented_default_action()


class PostfixInstance(LoggedService):
    def __init__(self, directory, smtp_port, relay_port, policy_service=None,
                 milter_socket=None, extra_main_cf=None, relay_domains="example.test"):
        """policy_service: a Postfix address (`inet:127.0.0.1:10040`, `unix:/path`).
        milter_socket: a Postfix milter address (`unix:/path`, `inet:127.0.0.1:port`).
        extra_main_cf: a dict of main.cf parameters that override or add to ours."""
        self.directory = Path(directory)
        self.host = ports.LOOPBACK
        self.smtp_port = smtp_port
        self.relay_port = relay_port
        # The documented release service (quarantine.release_server), on a port of its own.
        self.release_port = ports.free_port()
        self.policy_service = policy_service
        self.milter_socket = milter_socket
        self.extra_main_cf = dict(extra_main_cf or {})
        self.relay_domains = relay_domains
        self.config_directory = self.directory / "config"
        self.queue_directory = self.directory / "queue"
        self.data_directory = self.directory / "data"
        self.log_path = self.directory / "postfix.log"
        self.master_pid_path = self.queue_directory / "pid" / "master.pid"

    # ----- configuration -----

    def main_cf_parameters(self):
        """Every main.cf parameter of this instance, in order, as a dict: the documented
        lines of config/postfix/main.cf with this instance's addresses, then what a
        private test instance needs, then extra_main_cf."""
        parameters = documented_main_cf()
        parameters.update({
            "mailgate_policy_service": self.policy_service or "",
            "mailgate_milter": self.milter_socket or "",
            "mailgate_internal_server": f"[{self.host}]:{self.relay_port}",
            "relay_domains": self.relay_domains,
            "mynetworks": "127.0.0.0/8",
        })
        if not self.policy_service:
            for name, value in parameters.items():
                parameters[name] = without_policy_service(value)
        relay_destination = f"[{self.host}]:{self.relay_port}"
        parameters.update({
            "compatibility_level": "3.6",
            "queue_directory": str(self.queue_directory),
            "data_directory": str(self.data_directory),
            # Postfix refuses (silently, exit 1) a maillog_file outside these prefixes.
            "maillog_file": str(self.log_path),
            "maillog_file_prefixes": str(self.directory),
            "myhostname": "gateway.mailgate.test",
            "mydomain": "mailgate.test",
            "myorigin": "$myhostname",
            "mydestination": "",
            "inet_interfaces": self.host,
            "inet_protocols": "ipv4",
            "alias_maps": "",
            "alias_database": "",
            "biff": "no",
            # No DNS anywhere: a fixed next hop in brackets, native (/etc/hosts) lookups.
            "relayhost": relay_destination,
            "default_transport": f"smtp:{relay_destination}",
            "smtp_dns_support_level": "disabled",
            "smtp_host_lookup": "native",
            "lmtp_host_lookup": "native",
            "smtpd_peername_lookup": "no",
            "smtp_connect_timeout": "5s",
            # Retry soon: mail deferred while the sink was down arrives quickly.
            "queue_run_delay": "10s",
            "minimal_backoff_time": "10s",
            "maximal_backoff_time": "60s",
            "smtpd_banner": "$myhostname ESMTP mailgate test instance",
            "smtpd_authorized_xclient_hosts": "127.0.0.0/8",
            # A dead or slow policy server costs a test seconds, not minutes: one retry
            # after 1s, then the default action (451 4.3.5).
            "smtpd_policy_service_timeout": "5s",
            "smtpd_policy_service_max_idle": "10s",
            "smtpd_policy_service_try_limit": "2",
            "smtpd_policy_service_retry_delay": "1s",
            "milter_connect_timeout": "5s",
            "milter_command_timeout": "10s",
            "milter_content_timeout": "30s",
        })
        parameters.update(self.extra_main_cf)
        return parameters

    def master_cf_text(self):
        # Debian's master.cf, with the chroot column `n` (nothing populates a chroot
        # here), the documented smtpd line of config/postfix/master.cf on one loopback
        # port, and the postlog service maillog_file needs.
        smtpd = "\n".join(line.replace("smtp ", f"{self.host}:{self.smtp_port} ", 1)
                          .replace(DOCUMENTED_RELEASE_SERVICE, f"{self.host}:{self.release_port}", 1)
                          for line in documented_master_cf_services())
        return f"""\
# Written by devgateway for a private test instance; rewritten on every start.
# service  type  private unpriv  chroot  wakeup  maxproc command + args
{smtpd}
pickup     unix  n       -       n       60      1       pickup
cleanup    unix  n       -       n       -       0       cleanup
qmgr       unix  n       -       n       300     1       qmgr
rewrite    unix  -       -       n       -       -       trivial-rewrite
bounce     unix  -       -       n       -       0       bounce
defer      unix  -       -       n       -       0       bounce
trace      unix  -       -       n       -       0       bounce
verify     unix  -       -       n       -       1       verify
flush      unix  n       -       n       1000?   0       flush
proxymap   unix  -       -       n       -       -       proxymap
proxywrite unix  -       -       n       -       1       proxymap
smtp       unix  -       -       n       -       -       smtp
relay      unix  -       -       n       -       -       smtp
  -o syslog_name=postfix/$service_name
showq      unix  n       -       n       -       -       showq
error      unix  -       -       n       -       -       error
retry      unix  -       -       n       -       -       error
discard    unix  -       -       n       -       -       discard
local      unix  -       n       n       -       -       local
lmtp       unix  -       -       n       -       -       lmtp
anvil      unix  -       -       n       -       1       anvil
scache     unix  -       -       n       -       1       scache
postlog    unix-dgram n  -       n       -       1       postlogd
"""

    def write_configuration(self):
        """(Re)write main.cf and master.cf; call reload() to apply them to a running one."""
        self.config_directory.mkdir(parents=True, exist_ok=True)
        lines = ["# Written by devgateway for a private test instance; rewritten on every start."]
        lines += [f"{name} = {value}" for name, value in self.main_cf_parameters().items()]
        _write_aged(self.config_directory / "main.cf", "\n".join(lines) + "\n")
        _write_aged(self.config_directory / "master.cf", self.master_cf_text())

    def _prepare_directories(self):
        self.directory.mkdir(parents=True, exist_ok=True)
        os.chmod(self.directory, 0o755)  # postfix must traverse it (sockets, queue)
        self.queue_directory.mkdir(parents=True, exist_ok=True)
        os.chmod(self.queue_directory, 0o755)
        # `postfix check` creates the queue subdirectories; data_directory must be
        # owned by the postfix user or the daemons cannot write their caches.
        _make_owned_directory(self.data_directory, POSTFIX_USER, POSTFIX_USER, 0o700)

    # ----- running -----

    def run_command(self, *command, check=True, timeout=60.0):
        """Run a Postfix command; on failure raise with its output and the log's end."""
        result = subprocess.run([str(part) for part in command], capture_output=True,
                                text=True, timeout=timeout, stdin=subprocess.DEVNULL)
        if check and result.returncode != 0:
            hint = ""
            if not (result.stdout + result.stderr).strip():
                hint = ("\n(postfix exits 1 with no output when maillog_file does not start "
                        "with one of maillog_file_prefixes)")
            raise PostfixCommandError(
                f"{' '.join(map(str, command))} exited with status {result.returncode}\n"
                f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}\n"
                f"{self.log_path} ends with:\n{log_files.tail(self.log_text())}{hint}")
        return result

    def postfix(self, *args, check=True, timeout=60.0):
        return self.run_command("postfix", "-c", self.config_directory, *args,
                                check=check, timeout=timeout)

    def postconf(self, *args):
        return self.run_command("postconf", "-c", self.config_directory, *args).stdout

    def start(self, timeout=20.0):
        if self.is_running():
            raise RuntimeError(f"postfix in {self.directory} is already running "
                               f"(master pid {self.master_pid()}); stop() it first")
        if ports.port_accepts(self.host, self.smtp_port):
            raise RuntimeError(f"{self.host}:{self.smtp_port} is already in use")
        self._prepare_directories()
        self.write_configuration()
        self.postfix("check")
        self.postfix("start")
        try:
            self._wait_for_banner(timeout)
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_for_banner(self, timeout):
        deadline = time.monotonic() + timeout
        last_error = None
        while time.monotonic() < deadline:
            try:
                with socket.create_connection((self.host, self.smtp_port), timeout=2) as client:
                    client.settimeout(max(0.5, deadline - time.monotonic()))
                    banner = client.makefile("rb").readline()
                    if banner.startswith(b"220"):
                        client.sendall(b"QUIT\r\n")
                        return
                    last_error = f"unexpected banner {banner!r}"
            except OSError as error:
                last_error = error
            time.sleep(0.1)
        raise TimeoutError(
            f"postfix in {self.directory} gave no 220 banner on {self.host}:{self.smtp_port} "
            f"within {timeout}s ({last_error}); log ends with:\n"
            f"{log_files.tail(self.log_text())}")

    def master_pid(self):
        """The master's pid from its pid file, or None when it is not running."""
        try:
            pid = int(self.master_pid_path.read_text().strip())
        except (FileNotFoundError, ValueError):
            return None
        return pid if _is_postfix_master(pid) else None

    def is_running(self):
        return self.master_pid() is not None

    def stop(self, timeout=10.0):
        """Stop the instance; return once the master and all its daemons have exited.

        `postfix stop` returns as soon as the master lock is free, before the master
        exits; a daemon still holding the listening socket would make a restart on
        the same port fail, so this waits for the master's whole process group."""
        pid = self.master_pid()
        if pid is None:
            return
        self.postfix("stop", check=False)
        if _wait_for_group_exit(pid, timeout):
            return
        for signal_number in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(pid, signal_number)
            except ProcessLookupError:
                return
            if _wait_for_group_exit(pid, 2.0):
                return
        raise RuntimeError(f"postfix master {pid} in {self.directory} did not exit")

    def restart(self, timeout=20.0):
        self.stop()
        return self.start(timeout)

    def reload(self):
        """Rewrite the configuration and make the running master re-read it."""
        self.write_configuration()
        self.postfix("reload")

    # ----- queue -----

    def mailq(self):
        """The queue as a list of dicts (postqueue -j): queue_id, queue_name, sender,
        recipients (each with address and delay_reason), ..."""
        output = self.run_command("postqueue", "-c", self.config_directory, "-j").stdout
        return [json.loads(line) for line in output.splitlines() if line.strip()]

    def queue_ids(self):
        return [entry["queue_id"] for entry in self.mailq()]

    def flush(self):
        """Ask the queue manager to retry every deferred message now."""
        self.run_command("postqueue", "-c", self.config_directory, "-f")

    def wait_for_empty_queue(self, timeout=10.0):
        deadline = time.monotonic() + timeout
        while self.mailq():
            if time.monotonic() >= deadline:
                raise TimeoutError(f"queue not empty after {timeout}s: {self.mailq()}")
            time.sleep(0.1)

    def delete_queue(self):
        self.run_command("postsuper", "-c", self.config_directory, "-d", "ALL")


def documented_main_cf(path=DOCUMENTED_MAIN_CF):
    """The parameters of config/postfix/main.cf as an ordered dict (continuation lines
    joined with one space, as Postfix reads them)."""
    parameters = {}
    name = None
    for line in Path(path).read_text().splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if line[0].isspace():
            if name is None:
                raise ValueError(f"{path}: a continuation line before any parameter: {line!r}")
            parameters[name] = f"{parameters[name]} {line.strip()}".strip()
            continue
        name, separator, value = line.partition("=")
        if not separator:
            raise ValueError(f"{path}: not a 'name = value' line: {line!r}")
        name = name.strip()
        parameters[name] = value.strip()
    return parameters


def documented_master_cf_services(path=DOCUMENTED_MASTER_CF):
    """The service lines of config/postfix/master.cf (no comments)."""
    return [line for line in Path(path).read_text().splitlines()
            if line.strip() and not line.lstrip().startswith("#")]


def without_policy_service(value):
    """A restriction list without its `check_policy_service { ... }` entry (for an
    instance that has no policy daemon)."""
    start = value.find("check_policy_service")
    if start < 0:
        return value
    depth = 0
    for index in range(start, len(value)):
        if value[index] == "{":
            depth += 1
        elif value[index] == "}":
            depth -= 1
            if depth == 0:
                return " ".join((value[:start] + value[index + 1:]).split())
    raise ValueError(f"unbalanced braces in {value!r}")


def _write_aged(path, text):
    """Write a config file with an mtime 5 seconds ago: Postfix re-reads a file modified
    within the last second every 300 ms until it is older (a guard against editors),
    which would add up to 2 seconds to every postfix command right after a write."""
    path.write_text(text)
    aged = time.time() - 5
    os.utime(path, (aged, aged))


def _make_owned_directory(path, user, group, mode):
    path.mkdir(parents=True, exist_ok=True)
    os.chown(path, pwd.getpwnam(user).pw_uid, grp.getgrnam(group).gr_gid)
    os.chmod(path, mode)


def _is_postfix_master(pid):
    """True when pid is a live process named master (a stale pid file may name another)."""
    try:
        with open(f"/proc/{pid}/comm") as name:
            return name.read().strip() == "master" and _is_live(pid)
    except OSError:
        return False


def _process_status(pid):
    """(state, process group) of pid from /proc, or None when it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return fields[0], int(fields[2])


def _is_live(pid):
    # A zombie has released its sockets and files: it counts as exited. (PID 1 here
    # can take seconds to reap the orphaned master and its daemons.)
    status = _process_status(pid)
    return status is not None and status[0] != "Z"


def _group_members(group):
    members = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            status = _process_status(int(entry))
            if status and status[1] == group and status[0] != "Z":
                members.append(int(entry))
    return members


def _wait_for_group_exit(group, timeout):
    deadline = time.monotonic() + timeout
    while _group_members(group):
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.05)
    return True
