# Reading the log files our test servers write, and waiting for a line to appear.
# Positions let a test wait only for lines written after a given moment
# (for example after a restart or a SIGHUP). It does not parse any log format.
import re
import time
from pathlib import Path


def log_size(path):
    """Current size of the log in bytes (0 when it does not exist yet): a position."""
    try:
        return Path(path).stat().st_size
    except FileNotFoundError:
        return 0


def read_log(path, since=0):
    """The log's text from byte position `since` on ('' when it does not exist yet)."""
    try:
        with open(path, "rb") as log:
            log.seek(since)
            return log.read().decode("utf-8", errors="replace")
    except FileNotFoundError:
        return ""


def tail(text, lines=40):
    return "\n".join(text.splitlines()[-lines:])


def wait_for_log(path, pattern, timeout=10.0, since=0):
    """Wait until regular expression `pattern` matches the log after `since`.

    Returns the re.Match (searched in MULTILINE mode). Raises TimeoutError with the
    end of the log when it does not appear in time.
    """
    expression = re.compile(pattern, re.MULTILINE)
    deadline = time.monotonic() + timeout
    while True:
        text = read_log(path, since)
        match = expression.search(text)
        if match:
            return match
        if time.monotonic() >= deadline:
            raise TimeoutError(
                f"timed out after {timeout}s waiting for /{pattern}/ in {path}; "
                f"log ends with:\n{tail(text)}")
        time.sleep(0.05)
