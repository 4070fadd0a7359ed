# Logging as a postmaster uses it (F2, docs/features.md): one key=value line per decision carrying
# the MTA queue ID and the mailgate ID, to a log file that is reopened on SIGHUP (so
# logrotate works), at the configured level, with hostile envelope values escaped.
import re
import signal
import socket
import time

from devgateway import send_with_swaks
from devgateway.swaks import transcript

REQUEST = ("request=smtpd_access_policy\nprotocol_state=RCPT\nclient_address=192.0.2.9\n"
           "sender=a@sender.test\nrecipient=b@example.test\n\n")
LINE = re.compile(r"^\S+Z mailgate-(policyd|milter)\[\d+\]: level=(error|warning|info|debug) "
                  r"event=[a-z_]+( [a-z_]+=(\"([^\"\\]|\\.)*\"|[^\s\"]+))*$")


FIELD = re.compile(r'([a-z_]+)=("(?:[^"\\]|\\.)*"|[^\s"]+)')


def parse_fields(line):
    """The key=value fields of a log line, values as written (quoted ones with quotes)."""
    return dict(FIELD.findall(line))


def ask(daemon, request=REQUEST):
    with socket.create_connection(("127.0.0.1", daemon.port), timeout=10) as connection:
        connection.sendall(request.encode())
        answer = b""
        while not answer.endswith(b"\n\n"):
            chunk = connection.recv(4096)
            assert chunk
            answer += chunk
    return answer.decode()


def test_F2_every_line_is_key_value_and_a_message_can_be_followed_by_queue_id(gateway):
    result = send_with_swaks(gateway.smtp_port, "alice@sender.test", "bob@example.test",
                             ["--header", "Message-Id: <follow-me@sender.test>"])
    assert result.returncode == 0, transcript(result)
    [received] = gateway.sink.wait_for_messages(1)
    mailgate_id = received.message["X-Mailgate-Id"]
    queue_id = gateway.postfix.wait_for_log(
        r"cleanup\[\d+\]: ([0-9A-F]+): message-id=<follow-me@").group(1)
    decision = gateway.milter_daemon.wait_for_log(rf"event=message_decision queue_id={queue_id} .*")
    assert f"mailgate_id={mailgate_id}" in decision.group(0)
    for daemon in (gateway.policy_daemon, gateway.milter_daemon):
        for line in daemon.log_text().splitlines():
            if line.startswith("--- devgateway"):
                continue
            assert LINE.match(line), line


def test_F2_hostile_envelope_values_cannot_forge_log_fields(policy_daemon):
    hostile = ("request=smtpd_access_policy\nprotocol_state=RCPT\nclient_address=192.0.2.9\n"
               "sender=x action=REJECT event=forged\nhelo_name=a\"b\\c\x01\n\n")
    assert ask(policy_daemon, hostile) == "action=DUNNO\n\n"
    line = policy_daemon.wait_for_log(r"event=policy_decision .*").group(0)
    assert 'sender="x action=REJECT event=forged"' in line, line
    assert 'helo_name="a\\"b\\\\c\\x01"' in line, line
    fields = parse_fields(line)
    assert fields["action"] == "DUNNO" and fields["event"] == "policy_decision"
    assert fields["sender"] == '"x action=REJECT event=forged"'
    assert [key for key, _ in FIELD.findall(line)].count("action") == 1


def test_F2_log_file_destination_is_reopened_on_sighup_for_logrotate(policy_daemon):
    log_file = policy_daemon.directory / "policyd-file.log"
    document = policy_daemon.config_document()
    document["log"] = {"destination": "file", "file": str(log_file), "level": "info"}
    policy_daemon.reload(document)
    policy_daemon.wait_for_log(r"event=config_reloaded .*generation=2")

    assert ask(policy_daemon) == "action=DUNNO\n\n"
    for _ in range(100):
        if log_file.exists() and "event=policy_decision" in log_file.read_text():
            break
        time.sleep(0.05)
    assert "event=policy_decision" in log_file.read_text()

    rotated = log_file.with_suffix(".log.1")
    log_file.rename(rotated)
    policy_daemon.send_signal(signal.SIGHUP)
    for _ in range(200):
        if log_file.exists():
            break
        time.sleep(0.05)
    assert log_file.exists(), "SIGHUP must reopen the log file"
    assert ask(policy_daemon) == "action=DUNNO\n\n"
    for _ in range(100):
        if "event=policy_decision" in log_file.read_text():
            break
        time.sleep(0.05)
    assert "event=policy_decision" in log_file.read_text()
    assert rotated.read_text().count("event=policy_decision") == 1


def test_F2_debug_level_shows_connection_details_and_info_hides_them(policy_daemon):
    # The fixture runs at debug: a client that resets its connection is logged at debug.
    connection = socket.create_connection(("127.0.0.1", policy_daemon.port), timeout=10)
    connection.sendall(b"request=smtpd_access_policy\n")
    connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    connection.close()
    policy_daemon.wait_for_log(r"level=debug event=policy_connection_error ")


def test_F2_syslog_destination_uses_facility_mail(server_directory, redis_server, request):
    """Decision lines reach syslog (/dev/log) with facility mail. The machine has no
    syslog daemon, so the test binds /dev/log itself, and removes it afterwards."""
    import os
    import pytest
    from conftest import run_daemon
    from devgateway import PolicyDaemon, make_subdirectory

    if os.path.exists("/dev/log"):
        pytest.skip("a syslog daemon owns /dev/log here; this test needs it free")
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    listener.bind("/dev/log")
    listener.settimeout(10)
    try:
        daemon_generator = run_daemon(request, PolicyDaemon(
            make_subdirectory(server_directory, "policyd-syslog"), redis_server,
            extra_config={"log": {"destination": "syslog", "level": "info"}}))
        daemon = next(daemon_generator)
        try:
            assert ask(daemon) == "action=DUNNO\n\n"
            records = []
            while not any("event=policy_decision" in record for record in records):
                records.append(listener.recv(65536).decode())
        finally:
            next(daemon_generator, None)
    finally:
        listener.close()
        os.unlink("/dev/log")
    decision = next(record for record in records if "event=policy_decision" in record)
    mail_info = 2 * 8 + 6  # LOG_MAIL | LOG_INFO
    assert decision.startswith(f"<{mail_info}>"), decision
    assert re.search(r"mailgate-policyd\[\d+\]: level=info event=policy_decision ", decision), decision
    assert "sender=a@sender.test" in decision
