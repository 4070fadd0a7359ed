# Loopback ports and sockets for test servers: pick a free TCP port on 127.0.0.1 and
# wait until a TCP port accepts or a unix socket accepts connections.
# It does not reserve ports (another process may take a port between the pick and the
# bind; servers start right after the pick, which keeps that window small) and never
# touches a non-loopback address.
import socket
import time

LOOPBACK = "127.0.0.1"


def free_port(host=LOOPBACK):
    """Return a TCP port on `host` that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def port_accepts(host, port, timeout=0.5):
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def wait_for_port(host, port, timeout=10.0, process=None):
    """Wait until host:port accepts a TCP connection; raise TimeoutError otherwise.

    When `process` (a ManagedProcess) is given, fail at once if it exits meanwhile.
    """
    wait_for_condition(lambda: port_accepts(host, port), timeout, f"{host}:{port} to accept",
                       process)


def unix_socket_accepts(path, timeout=0.5):
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
            client.settimeout(timeout)
            client.connect(str(path))
            return True
    except OSError:
        return False


def wait_for_unix_socket(path, timeout=10.0, process=None):
    """Wait until the unix stream socket at `path` accepts; raise TimeoutError otherwise."""
    wait_for_condition(lambda: unix_socket_accepts(path), timeout, f"{path} to accept", process)


def wait_for_condition(condition, timeout, what, process=None):
    """Poll `condition` until true; raise TimeoutError naming `what` otherwise."""
    deadline = time.monotonic() + timeout
    while True:
        if condition():
            return
        if process is not None and not process.is_running():
            raise RuntimeError(
                f"{process.name} exited with status {process.returncode} while waiting "
                f"for {what}; log {process.log_path}:\n{process.log_tail()}")
        if time.monotonic() >= deadline:
            raise TimeoutError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(0.05)
