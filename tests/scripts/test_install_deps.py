# Tests of scripts/install-deps.sh, the first thing a newcomer and CI run, in the cases
# that matter on a fresh machine: nothing missing; packages missing with and without a
# policy-rc.d already in place (one that exists must be left exactly as found); apt-get
# failing; the npm command missing; not root. apt-get, dpkg-query, debconf-set-selections,
# id and npm are stand-ins (tests/scripts/standins.py) on a PATH that holds nothing else
# of the system's, so nothing is installed and the real /usr/sbin/policy-rc.d is untouched.
import os
import stat

import pytest

from standins import FakeDebian, INSTALL_DEPS


def test_nothing_missing_installs_nothing_and_says_nothing(tmp_path):
    debian = FakeDebian(tmp_path)
    result = debian.run(INSTALL_DEPS)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "" and result.stderr == ""
    assert debian.apt_get_calls() == []
    assert not debian.policy_rc_d.exists()
    # It asked about every package of its list, and about nothing twice.
    asked = debian.queried_packages()
    assert "postfix" in asked and "libmilter-dev" in asked and "ccache" in asked
    assert len(asked) == len(set(asked))


def test_missing_packages_are_installed_and_a_policy_rc_d_it_created_is_removed(tmp_path):
    debian = FakeDebian(tmp_path, missing=["postfix", "redis-server", "nsd"])
    result = debian.run(INSTALL_DEPS)
    assert result.returncode == 0, result.stderr
    assert "installed postfix redis-server nsd" in result.stdout
    calls = debian.apt_get_calls()
    assert [call["arguments"][0] for call in calls] == ["update", "install"]
    assert calls[1]["arguments"][-3:] == ["postfix", "redis-server", "nsd"]
    # While apt-get ran, maintainer scripts were kept from starting daemons...
    for call in calls:
        assert call["policy_rc_d"] == "#!/bin/sh\nexit 101\n"
        assert call["policy_rc_d_executable"]
        assert call["debian_frontend"] == "noninteractive"
    # ...Postfix was preseeded as "No configuration"...
    assert "postfix/main_mailer_type select No configuration" in debian.debconf_selections()
    # ...and the policy-rc.d it made is gone again.
    assert not debian.policy_rc_d.exists()


def test_an_existing_policy_rc_d_is_left_exactly_as_found_and_the_install_succeeds(tmp_path):
    """The bug of issue 10: the clean-up's status (1) became the script's under set -e."""
    debian = FakeDebian(tmp_path, missing=["swaks"])
    debian.policy_rc_d.write_text("#!/bin/sh\n# the image's own\nexit 101\n")
    debian.policy_rc_d.chmod(0o750)
    os.utime(debian.policy_rc_d, (1_000_000_000, 1_000_000_000))
    before = _file_state(debian.policy_rc_d)

    result = debian.run(INSTALL_DEPS)

    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert "installed swaks" in result.stdout
    assert debian.apt_get_calls()[0]["policy_rc_d"] == "#!/bin/sh\n# the image's own\nexit 101\n"
    assert _file_state(debian.policy_rc_d) == before


@pytest.mark.parametrize("existing_policy_rc_d", [False, True])
@pytest.mark.parametrize("failing_command", ["update", "install"])
def test_apt_get_failing_is_a_clear_error_and_restores_policy_rc_d(tmp_path, failing_command,
                                                                    existing_policy_rc_d):
    debian = FakeDebian(tmp_path, missing=["nsd"], apt_get_fails=failing_command)
    if existing_policy_rc_d:
        debian.policy_rc_d.write_text("#!/bin/sh\nexit 101\n")
        before = _file_state(debian.policy_rc_d)

    result = debian.run(INSTALL_DEPS)

    assert result.returncode != 0
    assert f"'apt-get {failing_command}' failed" in result.stderr
    assert "nsd" in result.stderr
    if existing_policy_rc_d:
        assert _file_state(debian.policy_rc_d) == before
    else:
        assert not debian.policy_rc_d.exists()


def test_a_package_apt_get_did_not_install_is_named(tmp_path):
    debian = FakeDebian(tmp_path, missing=["nsd", "swaks"],
                        apt_get_skips=["swaks"])
    result = debian.run(INSTALL_DEPS)
    assert result.returncode != 0
    assert "still missing after apt-get install: swaks" in result.stderr


def test_the_npm_command_missing_installs_debians_npm(tmp_path):
    debian = FakeDebian(tmp_path, npm_command=False)
    result = debian.run(INSTALL_DEPS)
    assert result.returncode == 0, result.stderr
    install = debian.apt_get_calls()[1]["arguments"]
    assert install[-1] == "npm"
    assert (debian.bin / "npm").exists()


def test_an_npm_command_without_debians_npm_package_is_enough(tmp_path):
    """NodeSource's nodejs provides the npm command and conflicts with Debian's npm."""
    debian = FakeDebian(tmp_path, npm_command=True)
    result = debian.run(INSTALL_DEPS)
    assert result.returncode == 0, result.stderr
    assert debian.apt_get_calls() == []
    assert "npm" not in debian.queried_packages()


def test_not_root_with_missing_packages_names_them_and_installs_nothing(tmp_path):
    debian = FakeDebian(tmp_path, missing=["postfix"], user_id=1000)
    result = debian.run(INSTALL_DEPS)
    assert result.returncode == 1
    assert "missing packages: postfix; run this script as root" in result.stderr
    assert debian.apt_get_calls() == []
    assert not debian.policy_rc_d.exists()


def _file_state(path):
    status = path.stat()
    return (path.read_bytes(), stat.S_IMODE(status.st_mode), status.st_mtime_ns, status.st_ino)


def test_a_benchmarks_peer_named_as_an_argument_is_installed_the_same_way(tmp_path):
    """bench/bench_setup.py installs postgrey or rspamd with `install-deps.sh PACKAGE`."""
    debian = FakeDebian(tmp_path, missing=["postgrey"])
    result = debian.run(INSTALL_DEPS, "postgrey")
    assert result.returncode == 0, result.stderr
    [update, install] = debian.apt_get_calls()
    assert install["arguments"][-1] == "postgrey"
    assert install["policy_rc_d"] == "#!/bin/sh\nexit 101\n"
    assert not debian.policy_rc_d.exists()
