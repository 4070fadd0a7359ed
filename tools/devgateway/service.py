# The parts every devgateway server shares: reading and waiting on its log file
# (LoggedService, which needs `log_path`) and, for servers that are one child process,
# stop/restart/status/signals (ProcessService, which needs `_process`, a
# ManagedProcess or None). Each server class still says how it starts and when it is ready.
from . import log_files


class LoggedService:
    def log_text(self, since=0):
        return log_files.read_log(self.log_path, since)

    def log_position(self):
        return log_files.log_size(self.log_path)

    def wait_for_log(self, pattern, timeout=10.0, since=0):
        return log_files.wait_for_log(self.log_path, pattern, timeout, since)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exception):
        self.stop()


class ProcessService(LoggedService):
    stop_timeout = 5.0

    def _start_process_and_wait(self, wait_until_ready):
        """Start the process, then call wait_until_ready(); stop it again if that fails."""
        self._process.start()
        try:
            wait_until_ready()
        except BaseException:
            self._process.stop()
            raise
        return self

    def stop(self, timeout=None):
        if self._process is None:
            return None
        return self._process.stop(self.stop_timeout if timeout is None else timeout)

    def restart(self, timeout=10.0):
        self.stop()
        return self.start(timeout)

    def is_running(self):
        return self._process is not None and self._process.is_running()

    @property
    def pid(self):
        return self._process.pid if self._process else None

    @property
    def returncode(self):
        return self._process.returncode if self._process else None

    def send_signal(self, signal_number):
        self._process.send_signal(signal_number)
