# Every script under scripts/ (and .ci/run) says what failed when it fails: the script,
# the line, the command and its status, on stderr; none stops silently. Each case puts a
# failing stand-in for the first tool the script runs first on PATH.
import re
import subprocess

import pytest

from standins import REPOSITORY, environment_with_first_on_path, write_failing_program

NOT_ROOT_WITH_A_PACKAGE_MISSING = {"dpkg-query": 1, "id": 1000}

CASES = {
    "scripts/build.sh": ({"cmake": 3}, ["/nonexistent/build"], "build.sh", "cmake -S", 3),
    "scripts/fuzz.sh": ({"cmake": 4}, [], "fuzz.sh", "cmake -S", 4),
    "scripts/lint.sh": ({"shellcheck": 5}, [], "lint.sh", "shellcheck", 5),
    "scripts/test.sh": (NOT_ROOT_WITH_A_PACKAGE_MISSING, [], "test.sh", "install-deps.sh", 1),
    "scripts/run-gateway.sh": (NOT_ROOT_WITH_A_PACKAGE_MISSING, [], "run-gateway.sh",
                               "install-deps.sh", 1),
    ".ci/run": (NOT_ROOT_WITH_A_PACKAGE_MISSING, [], "test.sh", "install-deps.sh", 1),
}


@pytest.mark.parametrize("script", sorted(CASES))
def test_a_failing_command_is_named_with_its_status(tmp_path, script):
    failing, arguments, reporter, command, status = CASES[script]
    bin_directory = tmp_path / "bin"
    for name, exit_status in failing.items():
        if name == "id":
            bin_directory.mkdir(exist_ok=True)
            (bin_directory / "id").write_text(f"#!/bin/sh\necho {exit_status}\n")
            (bin_directory / "id").chmod(0o755)
        else:
            write_failing_program(bin_directory, name, exit_status)
    environment = environment_with_first_on_path(bin_directory,
                                                 MAILGATE_TEST_BUILD_DIR=str(tmp_path / "build"))

    result = subprocess.run([str(REPOSITORY / script), *arguments], env=environment,
                            capture_output=True, text=True, timeout=120, cwd=tmp_path,
                            stdin=subprocess.DEVNULL)

    assert result.returncode != 0
    pattern = (rf"{re.escape(reporter)}: (line \d+|step \w+): "
               rf"'[^']*{re.escape(command)}[^']*' failed with status {status}")
    assert re.search(pattern, result.stderr), result.stderr


def test_the_test_command_prints_its_step_times_when_a_step_fails(tmp_path):
    bin_directory = tmp_path / "bin"
    write_failing_program(bin_directory, "dpkg-query", 1)
    (bin_directory / "id").write_text("#!/bin/sh\necho 1000\n")
    (bin_directory / "id").chmod(0o755)
    result = subprocess.run([str(REPOSITORY / "scripts/test.sh")],
                            env=environment_with_first_on_path(bin_directory),
                            capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert result.returncode == 1
    assert "== step times" in result.stdout
