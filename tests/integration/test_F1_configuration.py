# Configuration as a postmaster uses it (F1, docs/features.md): `mailgatectl check-config` names
# file, line and key; daemons refuse to start on a bad config; SIGHUP swaps in a new
# snapshot without dropping connections and refuses an invalid one, keeping the old.
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

from devgateway import send_with_swaks
from devgateway.mailgate_daemons import binary_path, run_mailgatectl
from devgateway.swaks import transcript

REPOSITORY = Path(__file__).resolve().parents[2]
REQUEST = ("request=smtpd_access_policy\nprotocol_state=RCPT\nprotocol_name=ESMTP\n"
           "client_address=192.0.2.9\nsender=a@sender.test\nrecipient=b@example.test\n\n")


def write(path, text):
    path.write_text(text)
    return path


def ask(connection, request=REQUEST):
    connection.sendall(request.encode())
    answer = b""
    while not answer.endswith(b"\n\n"):
        chunk = connection.recv(4096)
        assert chunk, f"connection closed; got {answer!r}"
        answer += chunk
    return answer.decode()


def test_F1_check_config_accepts_the_example_config():
    result = run_mailgatectl("check-config", REPOSITORY / "config/mailgate.toml")
    assert result.returncode == 0, result.stderr
    assert "ok (1 rule file(s), 0 rule(s))" in result.stdout


def test_F1_check_config_rejects_an_unknown_key_naming_file_line_and_key(tmp_path):
    config = write(tmp_path / "mailgate.toml",
                   '[redis]\nhost = "127.0.0.1"\nprot = 6379\n\n[log]\nlevel = "loud"\n')
    result = run_mailgatectl("check-config", config)
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert f"{config}:3:1: redis.prot: unknown key (did you mean \"redis.port\"?)" in lines, result.stderr
    assert any(line.startswith(f"{config}:6:1: log.level: ") for line in lines), result.stderr
    assert lines[-1] == f"{config}: 2 problem(s)"


def test_F1_check_config_reads_the_global_config_option_too(tmp_path):
    config = write(tmp_path / "mailgate.toml", "[redis]\nport = 70000\n")
    result = run_mailgatectl("--config", config, "check-config")
    assert result.returncode == 1
    assert f"{config}:2:1: redis.port: value 70000 is out of range 1..65535" in result.stderr


def test_F1_check_config_reports_rule_file_problems_with_their_own_position(tmp_path):
    config = write(tmp_path / "mailgate.toml", "")
    (tmp_path / "rules.d").mkdir()
    rules = write(tmp_path / "rules.d" / "10-local.toml", '[[rule]]\nname = "x"\nbogus = 1\n')
    result = run_mailgatectl("check-config", config)
    assert result.returncode == 1
    assert f"{rules}:3:1: rule.bogus: unknown key in a rule" in result.stderr


def test_F1_check_config_of_a_missing_file_fails_clearly(tmp_path):
    result = run_mailgatectl("check-config", tmp_path / "absent.toml")
    assert result.returncode == 1
    assert "cannot read the file" in result.stderr


def test_F1_configuration_reference_in_docs_is_current():
    result = run_mailgatectl("config-reference")
    assert result.returncode == 0
    documented = (REPOSITORY / "docs/configuration.md").read_text()
    assert result.stdout == documented, \
        "docs/configuration.md is stale: regenerate it with `mailgatectl config-reference`"


def test_F1_show_config_prints_effective_values_and_hides_secrets(tmp_path):
    config = write(tmp_path / "mailgate.toml",
                   '[redis]\npassword = "hunter2-secret"\nport = 6400\n')
    result = run_mailgatectl("--config", config, "show-config")
    assert result.returncode == 0, result.stderr
    assert "port = 6400" in result.stdout
    assert 'password = "(hidden)"' in result.stdout
    assert "hunter2-secret" not in result.stdout


@pytest.mark.parametrize("program", ["mailgate-policyd", "mailgate-milter"])
def test_F1_a_daemon_refuses_to_start_with_an_invalid_config(tmp_path, program):
    config = write(tmp_path / "mailgate.toml", "[policyd]\nlisten = [\"tcp:1.2.3.4:5\"]\n")
    result = subprocess.run([binary_path(program), "--config", config], capture_output=True,
                            text=True, timeout=30, stdin=subprocess.DEVNULL)
    assert result.returncode == 1
    assert f"{config}:2:1: policyd.listen: address must start with" in result.stderr
    assert "not starting" in result.stderr


def test_F1_sighup_reloads_the_policy_daemon_without_dropping_connections(policy_daemon):
    with socket.create_connection(("127.0.0.1", policy_daemon.port), timeout=10) as connection:
        assert ask(connection) == "action=DUNNO\n\n"
        policy_daemon.wait_for_log(r"event=policy_decision .*config_generation=1")

        position = policy_daemon.log_position()
        document = policy_daemon.config_document()
        document["log"]["level"] = "warning"
        policy_daemon.reload(document)
        policy_daemon.wait_for_log(r"event=config_reloaded .*generation=2", since=position)

        # The same connection is still served, by the new snapshot: at level warning the
        # info-level decision line is no longer written.
        position = policy_daemon.log_position()
        assert ask(connection) == "action=DUNNO\n\n"
        document["log"]["level"] = "info"
        policy_daemon.reload(document)
        # The reload line itself is written at the old level (warning), so it is not shown;
        # ask until a decision made with the third snapshot appears.
        for _ in range(100):
            assert ask(connection) == "action=DUNNO\n\n"
            if "config_generation=3" in policy_daemon.log_text(since=position):
                break
            time.sleep(0.05)
        assert "event=policy_decision" in policy_daemon.log_text(since=position)
        assert "config_generation=3" in policy_daemon.log_text(since=position)
        assert "config_generation=2" not in policy_daemon.log_text(since=position)


def test_F1_an_invalid_config_on_sighup_is_refused_and_the_old_one_kept(policy_daemon):
    with socket.create_connection(("127.0.0.1", policy_daemon.port), timeout=10) as connection:
        assert ask(connection) == "action=DUNNO\n\n"
        position = policy_daemon.log_position()
        policy_daemon.config_path.write_text(
            policy_daemon.config_path.read_text() + "\n[greylisting]\ndelay = 1\n")
        policy_daemon.send_signal(signal.SIGHUP)
        refused = policy_daemon.wait_for_log(r"event=config_reload_refused .*", since=position)
        assert "kept_generation=1" in refused.group(0)
        problem = policy_daemon.wait_for_log(r"event=config_problem .*", since=position).group(0)
        assert "greylisting: unknown section" in problem, problem
        assert ask(connection) == "action=DUNNO\n\n"
        policy_daemon.wait_for_log(r"event=policy_decision .*config_generation=1", since=position)
        assert policy_daemon.is_running()


def test_F1_a_restart_only_change_is_logged_on_reload(policy_daemon):
    position = policy_daemon.log_position()
    document = policy_daemon.config_document()
    document["policyd"]["threads"] = 4
    policy_daemon.reload(document)
    policy_daemon.wait_for_log(r"event=config_change_needs_restart key=policyd\.threads",
                               since=position)


def test_F1_the_milter_reloads_on_sighup_and_keeps_filtering(gateway):
    milter = gateway.milter_daemon
    position = milter.log_position()
    milter.send_signal(signal.SIGHUP)
    milter.wait_for_log(r"event=config_reloaded .*generation=2", since=position)
    assert milter.is_running(), "libmilter must not treat SIGHUP as stop"
    result = send_with_swaks(gateway.smtp_port, "alice@sender.test", "bob@example.test")
    assert result.returncode == 0, transcript(result)
    [received] = gateway.sink.wait_for_messages(1)
    assert received.message["X-Mailgate-Id"]
    milter.wait_for_log(r"event=message_decision .*config_generation=2", since=position)


def test_F1_a_burst_of_sighups_reloads_and_never_stops_the_milter(milter_daemon):
    # libmilter's own signal thread would stop the milter on SIGHUP; ours must get them all.
    position = milter_daemon.log_position()
    for _ in range(20):
        milter_daemon.send_signal(signal.SIGHUP)
        time.sleep(0.01)
    milter_daemon.wait_for_log(r"event=config_reloaded .*generation=\d+", since=position)
    time.sleep(1.0)
    assert milter_daemon.is_running()
    assert "milter_stopping" not in milter_daemon.log_text(since=position)


def test_F1_a_renamed_key_still_works_and_is_logged_as_deprecated(policy_daemon, tmp_path):
    position = policy_daemon.log_position()
    document = policy_daemon.config_document()
    document["greylist"] = {"auto_whitelist_after": 9}
    policy_daemon.reload(document)
    line = policy_daemon.wait_for_log(r"event=config_deprecated_key [^\n]*", since=position)
    assert "key=greylist.auto_whitelist_after" in line.group(0), line.group(0)
    assert "renamed to greylist.origin_whitelist_after" in line.group(0), line.group(0)
    policy_daemon.wait_for_log(r"event=config_reloaded .*generation=2", since=position)
    shown = run_mailgatectl("show-config", policy_daemon.config_path)
    assert shown.returncode == 0, shown.stderr
    assert "origin_whitelist_after = 9" in shown.stdout
    checked = run_mailgatectl("check-config", policy_daemon.config_path)
    assert checked.returncode == 0, checked.stderr
    assert "warning:" in checked.stderr and "greylist.origin_whitelist_after" in checked.stderr


def test_F1_a_weight_for_a_symbol_no_check_emits_is_refused_at_its_line(tmp_path):
    config = tmp_path / "mailgate.toml"
    config.write_text("[scoring]\nsymbol_weights = [\"MISSING_DATE=0\", \"DNSBL_ZNE=4\"]\n")
    result = run_mailgatectl("check-config", config)
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"{config}:2:1: scoring.symbol_weights: \"DNSBL_ZNE\" is not a symbol any check " \
           "emits" in result.stderr, result.stderr
