# Temporary directories for test servers that Postfix's unprivileged processes can use.
# Postfix runs smtpd as user `postfix`, which must traverse every directory on the path
# to a milter or policy socket, so these are made under /tmp with mode 0755 (pytest's
# tmp_path is 0700 and does not work). It does not delete anything; callers decide.
import os
import tempfile
from pathlib import Path


def make_shared_directory(prefix="mailgate-test-"):
    """Create a fresh directory under /tmp, mode 0755, and return its Path."""
    path = Path(tempfile.mkdtemp(prefix=prefix, dir="/tmp"))
    os.chmod(path, 0o755)
    return path


def make_subdirectory(parent, name):
    """Create (or reuse) parent/name with mode 0755 and return its Path."""
    path = Path(parent) / name
    path.mkdir(parents=True, exist_ok=True)
    os.chmod(path, 0o755)
    return path
