# Starting one server subprocess with its stdout and stderr appended to a log file, and
# stopping it: SIGTERM, a bounded wait, then SIGKILL of its whole process group.
# Each process runs in its own session so a Ctrl-C in the terminal reaches only our
# Python process, which then stops servers in order. It does not restart on crash and
# does not handle daemons that fork into the background (see postfix_instance.py).
import os
import signal
import subprocess
from pathlib import Path

from . import log_files


class ManagedProcess:
    def __init__(self, name, command, log_path, environment=None, working_directory=None):
        self.name = name
        self.command = [str(part) for part in command]
        self.log_path = Path(log_path)
        self.environment = environment
        self.working_directory = working_directory
        self._popen = None

    @property
    def pid(self):
        return self._popen.pid if self._popen else None

    @property
    def returncode(self):
        return self._popen.poll() if self._popen else None

    def is_running(self):
        return self._popen is not None and self._popen.poll() is None

    def start(self):
        if self.is_running():
            raise RuntimeError(f"{self.name} is already running (pid {self.pid})")
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "ab") as log:
            log.write(f"--- devgateway: starting {self.name}: {' '.join(self.command)}\n"
                      .encode())
            log.flush()
            self._popen = subprocess.Popen(
                self.command, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                env=self.environment, cwd=self.working_directory, start_new_session=True)

    def send_signal(self, signal_number):
        if not self.is_running():
            raise RuntimeError(f"{self.name} is not running")
        self._popen.send_signal(signal_number)

    def stop(self, timeout=5.0):
        """Stop the process if it runs; return its exit status (None if never started)."""
        if self._popen is None:
            return None
        if self._popen.poll() is None:
            try:
                self._popen.send_signal(signal.SIGTERM)
                self._popen.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self._kill_group()
                self._popen.wait(timeout=timeout)
        return self._popen.returncode

    def _kill_group(self):
        try:
            os.killpg(self._popen.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    def log_text(self, since=0):
        return log_files.read_log(self.log_path, since)

    def log_tail(self, lines=40):
        return log_files.tail(self.log_text(), lines)

    def log_position(self):
        return log_files.log_size(self.log_path)

    def wait_for_log(self, pattern, timeout=10.0, since=0):
        return log_files.wait_for_log(self.log_path, pattern, timeout, since)
