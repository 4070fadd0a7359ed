# A1, C7, C8, C12, C13: mailgate-milter driven through the milter protocol the way an MTA
# drives it (tools/devgateway/milter_client.py plays the MTA), so every answer and every
# header change can be seen: what the milter negotiates, a clean message, forged copies of
# our headers removed, abort then a new message on the same connection, reject, discard,
# the Subject tag, a message spooled to a file, one too big to scan, authenticated mail,
# and a client that breaks the protocol without harming the others.
from email.utils import formatdate
import socket

import pytest

from devgateway import MilterClient, MilterDaemon, make_subdirectory

# Dated now: a fixed date would grow old and draw DATE_IN_PAST.
DATE_LINE = f"Date: {formatdate(usegmt=True)}\r\n".encode()
CLEAN = (b"From: Alice <alice@sender.test>\r\n"
         b"To: bob@example.test\r\n"
         + DATE_LINE +
         b"Message-ID: <clean-1@sender.test>\r\n"
         b"Subject: lunch\r\n"
         b"\r\n"
         b"Shall we have lunch on Friday?\r\n")

BROKEN_FROM = CLEAN.replace(b"From: Alice <alice@sender.test>", b"From: Alice <alice@")


@pytest.fixture
def start_milter(request, server_directory, redis_server):
    """Call it with extra settings to start a mailgate-milter; it is stopped after."""
    from conftest import run_daemon
    runs = []

    def start(name="milter", **extra_config):
        runner = run_daemon(request, MilterDaemon(
            make_subdirectory(server_directory, name), redis_server, log_level="debug",
            extra_config=extra_config))
        runs.append(runner)
        return next(runner)

    yield start
    for runner in runs:
        next(runner, None)


def session(daemon):
    client = MilterClient(daemon.socket_spec).open()
    client.negotiate()
    assert client.connect(address="192.0.2.44")[0] == "continue"
    assert client.helo()[0] == "continue"
    return client


def added(result, name):
    return [value for header, value in result.added_headers if header == name]


def test_A1_negotiates_only_what_it_uses(start_milter):
    daemon = start_milter()
    with MilterClient(daemon.socket_spec) as client:
        negotiated = client.negotiate()
    assert negotiated.version == 6
    # Add headers, remove recipients (per-recipient verdicts), change headers, macros.
    assert negotiated.actions == 0x1 | 0x8 | 0x10 | 0x100
    assert negotiated.steps & 0x80 and negotiated.steps & 0x80000  # no reply: headers, body
    assert negotiated.steps & 0x100  # no unknown commands
    macros = " ".join(negotiated.macros.values())
    for macro in ("{client_addr}", "{auth_authen}", "i"):
        assert macro in macros, negotiated.macros


def test_C7_a_clean_message_is_accepted_with_spamassassin_headers(start_milter):
    daemon = start_milter()
    with session(daemon) as client:
        result = client.send_message(CLEAN)
    assert result.action == "continue", result
    [status] = added(result, "X-Spam-Status")
    assert status.startswith("No, score=0.0 required=5.0 tests=none"), status
    assert added(result, "X-Spam-Score") == ["0.0"]
    assert added(result, "X-Spam-Flag") == []
    assert len(added(result, "X-Mailgate-Id")) == 1
    line = daemon.wait_for_log(r"event=message_decision .*").group(0)
    assert "action=accept" in line and "spam=no" in line and "queue_id=4ABC123DEF" in line, line


def test_C7_forged_copies_of_our_headers_are_removed_first(start_milter):
    daemon = start_milter()
    forged = CLEAN.replace(b"Subject: lunch\r\n",
                           b"Subject: lunch\r\nX-Spam-Status: No, score=-100\r\n"
                           b"x-spam-flag: NO\r\nX-Spam-Status: No\r\nX-Mailgate-Id: FORGED\r\n")
    with session(daemon) as client:
        result = client.send_message(forged)
    removed = sorted((name, index) for index, name, value in result.changed_headers if value == "")
    assert removed == [("X-Mailgate-Id", 1), ("X-Spam-Flag", 1), ("X-Spam-Status", 1),
                       ("X-Spam-Status", 2)], result.changed_headers
    [status] = added(result, "X-Spam-Status")
    assert status.startswith("No, score=0.0"), status
    assert "removed_forged_headers=4" in daemon.wait_for_log(r"event=message_decision .*").group(0)


def test_A1_abort_then_a_new_message_on_the_same_connection(start_milter):
    daemon = start_milter()
    with session(daemon) as client:
        assert client.mail("eve@sender.test")[0] == "continue"
        assert client.rcpt("bob@example.test")[0] == "continue"
        assert client.data()[0] == "continue"
        client.header("X-Spam-Flag", "YES")
        client.header("Subject", "first")
        client.abort()
        second = client.send_message(CLEAN)
        third = client.send_message(BROKEN_FROM)
    assert second.action == "continue"
    assert second.changed_headers == [], "the aborted message's headers must be forgotten"
    assert third.action == "continue"
    [status] = added(third, "X-Spam-Status")
    assert "HEADER_FROM_INVALID" in status, status
    assert daemon.log_text().count("event=message_decision") == 2


def test_B4_a_broken_from_is_rejected_when_configured(start_milter):
    daemon = start_milter(header_checks={"action": "reject"})
    with session(daemon) as client:
        result = client.send_message(BROKEN_FROM)
    assert result.action == "reject", result
    assert result.reply.startswith("550 5.7.1 Message rejected: From header does not parse"), \
        result.reply
    line = daemon.wait_for_log(r"event=message_decision .*").group(0)
    assert "action=reject" in line and "HEADER_FROM_INVALID" in line, line


def test_C8_spam_is_tagged_deleted_or_rejected_as_configured(start_milter):
    weights = {"symbol_weights": ["MISSING_DATE=6"], "subject_tag": "---spam---",
               "subject_score_tag": True}
    undated = CLEAN.replace(DATE_LINE, b"")
    tagging = start_milter("tagging", scoring=weights)
    with session(tagging) as client:
        tagged = client.send_message(undated)
    assert tagged.action == "continue"
    assert added(tagged, "X-Spam-Flag") == ["YES"]
    assert (1, "Subject", "---spam--- [6.0] lunch") in tagged.changed_headers, tagged

    deleting = start_milter("deleting", scoring={**weights, "spam_action": "delete"})
    with session(deleting) as client:
        assert client.send_message(undated).action == "discard"

    rejecting = start_milter("rejecting", scoring={"symbol_weights": ["MISSING_DATE=20"],
                                                   "reject_threshold": 15.0})
    with session(rejecting) as client:
        rejected = client.send_message(undated)
    assert rejected.action == "reject"
    assert rejected.reply == "550 5.7.1 Message rejected as spam (score 20.0)", rejected.reply


def test_A1_a_message_past_the_memory_limit_is_spooled_and_the_file_removed(start_milter,
                                                                          tmp_path):
    spool = tmp_path / "spool"
    spool.mkdir()
    daemon = start_milter(content={"memory_limit": 8192, "spool_directory": str(spool)})
    body = b"".join(b"line %06d of a big message\r\n" % i for i in range(20000))
    big = CLEAN.replace(b"Shall we have lunch on Friday?\r\n", body)
    with session(daemon) as client:
        result = client.send_message(big, chunk_size=4096)
    assert result.action == "continue"
    assert added(result, "X-Spam-Status")[0].startswith("No, score=0.0")
    assert list(spool.iterdir()) == []
    assert f"size={len(big)}" in daemon.wait_for_log(r"event=message_decision .*").group(0)


def test_A1_a_message_too_big_to_scan_is_accepted_untouched(start_milter):
    daemon = start_milter(content={"max_message_size": 2048})
    big = BROKEN_FROM + b"x" * 10000 + b"\r\n"
    with session(daemon) as client:
        result = client.send_message(big)
    assert result.action == "continue"
    assert added(result, "X-Spam-Status") == []
    assert len(added(result, "X-Mailgate-Id")) == 1
    assert "not scanned: larger than content.max_message_size" in daemon.log_text()


def test_C13_authenticated_mail_skips_content_filtering_when_configured(start_milter):
    daemon = start_milter(content={"filter_authenticated": False})
    with session(daemon) as client:
        result = client.send_message(BROKEN_FROM, sender="alice@example.test")
        assert added(result, "X-Spam-Status")[0].find("HEADER_FROM_INVALID") > 0
        authenticated = client.send_message(
            BROKEN_FROM, sender="alice@example.test",
            mail_macros={"{mail_addr}": "alice@example.test", "{auth_authen}": "alice"})
    assert added(authenticated, "X-Spam-Status") == [], authenticated
    assert "authenticated sender" in daemon.log_text()


def test_A1_a_client_breaking_the_protocol_harms_no_other(start_milter):
    daemon = start_milter()
    attacker = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    attacker.connect(str(daemon.unix_socket))
    attacker.sendall(b"\xff\xff\xff\xffgarbage that is not a milter packet")
    with session(daemon) as client:
        assert client.send_message(CLEAN).action == "continue"
    attacker.close()
    assert daemon.is_running()
