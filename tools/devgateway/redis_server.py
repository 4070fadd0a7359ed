# A private redis-server for tests: listens on a loopback TCP port and on a unix socket
# in its own directory, keeps nothing on disk (no RDB snapshots, no AOF), and logs to
# a file there. It is not a Redis client library: client_command() runs redis-cli.
import shutil
import subprocess
from pathlib import Path

from . import ports
from .process import ManagedProcess
from .service import ProcessService

REDIS_SERVER = "redis-server"
REDIS_CLI = "redis-cli"


class RedisServer(ProcessService):
    def __init__(self, directory, port=None, password=None, extra_args=()):
        self.directory = Path(directory)
        self.host = ports.LOOPBACK
        self.port = port or ports.free_port()
        self.password = password
        self.extra_args = list(extra_args)
        self.unix_socket = self.directory / "redis.sock"
        self.log_path = self.directory / "redis.log"
        self._process = ManagedProcess("redis-server", self._command(), self.log_path,
                                       working_directory=self.directory)

    def _command(self):
        command = [
            shutil.which(REDIS_SERVER) or REDIS_SERVER,
            "--bind", self.host, "--port", str(self.port),
            "--unixsocket", str(self.unix_socket), "--unixsocketperm", "777",
            "--protected-mode", "no",  # safe: it binds to loopback only
            "--save", "", "--appendonly", "no",
            "--dir", str(self.directory), "--daemonize", "no", "--logfile", "",
        ]
        if self.password:
            command += ["--requirepass", self.password]
        return command + [str(argument) for argument in self.extra_args]

    def start(self, timeout=10.0):
        self.directory.mkdir(parents=True, exist_ok=True)
        def ready():
            ports.wait_for_port(self.host, self.port, timeout, self._process)
            ports.wait_for_unix_socket(self.unix_socket, timeout, self._process)
        return self._start_process_and_wait(ready)

    def client_command(self, *args, check=True, timeout=10.0):
        """Run `redis-cli <args>` against this server; return the CompletedProcess (text)."""
        command = [shutil.which(REDIS_CLI) or REDIS_CLI, "-h", self.host, "-p", str(self.port)]
        if self.password:
            command += ["-a", self.password, "--no-auth-warning"]
        command += [str(argument) for argument in args]
        return subprocess.run(command, capture_output=True, text=True, check=check,
                              timeout=timeout)

    def ping(self):
        """True when the server answers PONG."""
        try:
            result = self.client_command("PING", check=False, timeout=2.0)
        except subprocess.TimeoutExpired:
            return False
        return result.returncode == 0 and result.stdout.strip() == "PONG"
