# E1, C8: the quarantine as a postmaster uses it, through the real Postfix, both daemons,
# Redis and the SMTP sink: spam to three recipients where one's personal whitelist makes it
# ham ends as two quarantined copies and one delivered; `mailgatectl quarantine` finds it by
# sender, recipient and Subject; release goes back through the documented release service
# of master.cf (no milter) and arrives byte for byte apart from the documented headers;
# release to a server answering 452 or down fails, says so, exits non-zero and keeps the
# copy, and a later release succeeds; two releases at once deliver one copy; a full
# quarantine tempfails; Redis down while quarantining loses nothing and `reindex` catches
# up; a damaged metadata file is reported by reindex, not fatal; a rule's quarantine action;
# a milter killed (SIGKILL) while it writes leaves whole entries or none, and Postfix
# answers 4xx for what it did not finish.
import json
import random
import signal
import socket
import subprocess
import threading
import time

import tomllib

from devgateway import run_mailgatectl, send_with_swaks
from devgateway.swaks import transcript
from devgateway.mailgate_config import write_config
from devgateway.mailgate_daemons import binary_path

SENDER = "alice@sender.test"
BOB = "bob@example.test"
CAROL = "carol@example.test"
DAVE = "dave@example.test"
SPAMMY = ("--header", "From: Alice <alice@")  # HEADER_FROM_INVALID, weighted 10 below
QUARANTINE = {"scoring": {"symbol_weights": ["HEADER_FROM_INVALID=10"],
                          "spam_action": "quarantine"}}


def send(gateway, recipients=(BOB,), extra=(), subject="cheap watches"):
    return send_with_swaks(gateway.smtp_port, SENDER, ",".join(recipients),
                           ["--xclient-addr", "192.0.2.80", "--xclient-name", "mx.sender.test",
                            "--header", f"Subject: {subject}", *SPAMMY, *extra],
                           helo="mx.sender.test")


def ctl_config(gateway, tmp_path, release_port=None):
    """mailgatectl's config: the milter's, releasing to `release_port` (default: the
    Postfix instance's documented release service)."""
    document = tomllib.loads(gateway.milter_daemon.config_path.read_text())
    port = release_port or gateway.postfix.release_port
    document.setdefault("quarantine", {})["release_server"] = f"127.0.0.1:{port}"
    document["quarantine"]["release_timeout_ms"] = 5000
    path = tmp_path / f"mailgatectl-{port}.toml"
    write_config(path, document)
    return path


def quarantine(config_path, *arguments, timeout=60):
    return run_mailgatectl("--config", config_path, "quarantine", *arguments, timeout=timeout)


def entries(config_path, *arguments):
    listed = quarantine(config_path, "search", "--json", *arguments)
    assert listed.returncode == 0, listed.stdout + listed.stderr
    return [json.loads(line) for line in listed.stdout.splitlines() if line.strip()]


def statuses(entry):
    return {recipient["address"]: recipient["status"] for recipient in entry["recipients"]}


def held_entry(config_path, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = entries(config_path)
        if found:
            return found[0]
        time.sleep(0.1)
    raise AssertionError("nothing was quarantined")


class ScriptedSmtpServer:
    """A loopback SMTP server that answers RCPT with a fixed reply (452 here)."""

    def __init__(self, rcpt_reply):
        self.rcpt_reply = rcpt_reply
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return
            with connection, connection.makefile("rwb") as stream:
                stream.write(b"220 scripted ESMTP\r\n")
                stream.flush()
                for line in stream:
                    verb = line[:4].upper()
                    if verb in (b"EHLO", b"HELO"):
                        stream.write(b"250 scripted\r\n")
                    elif verb == b"RCPT":
                        stream.write(self.rcpt_reply.encode() + b"\r\n")
                    elif verb == b"QUIT":
                        stream.write(b"221 bye\r\n")
                        stream.flush()
                        break
                    else:
                        stream.write(b"250 ok\r\n")
                    stream.flush()

    def close(self):
        self.listener.close()


def test_E1_spam_to_three_recipients_one_whitelisted_is_two_held_and_one_delivered(
        gateway_factory, tmp_path):
    gateway = gateway_factory(extra_config=QUARANTINE)
    config = ctl_config(gateway, tmp_path)
    added = run_mailgatectl("--config", gateway.milter_daemon.config_path, "lists", "add",
                            CAROL, "white", "sender.test")
    assert added.returncode == 0, added.stdout + added.stderr
    result = send(gateway, recipients=(BOB, CAROL, DAVE))
    assert result.returncode == 0, transcript(result)
    [delivered] = gateway.sink.wait_for_messages(1)
    assert delivered.rcpt_tos == [CAROL], delivered.rcpt_tos
    line = gateway.milter_daemon.wait_for_log(r"event=quarantine_held .*").group(0)
    assert "recipients=2" in line, line
    entry = held_entry(config)
    assert statuses(entry) == {BOB: "quarantined", DAVE: "quarantined"}
    assert entry["sender"] == SENDER and entry["subject"] == "cheap watches"
    assert entry["reason"].startswith("spam score 10"), entry
    for search in (["--sender", SENDER], ["--recipient", DAVE.upper()], ["--subject", "Watches"],
                   ["--reason", "spam"], ["--min-score", "9"]):
        assert [found["id"] for found in entries(config, *search)] == [entry["id"]], search
    assert entries(config, "--recipient", CAROL) == []
    shown = quarantine(config, "show", entry["id"], "--json")
    assert shown.returncode == 0, shown.stderr
    details = json.loads(shown.stdout)
    assert details["queue_id"] and details["client_address"] == "192.0.2.80"
    assert any(symbol["name"] == "HEADER_FROM_INVALID" for symbol in details["symbols"])


def test_E1_release_delivers_the_original_bytes_once_and_is_recorded(gateway_factory, tmp_path):
    gateway = gateway_factory(extra_config=QUARANTINE)
    config = ctl_config(gateway, tmp_path)
    result = send(gateway, recipients=(BOB, DAVE))
    assert result.returncode == 0, transcript(result)
    entry = held_entry(config)
    raw = quarantine(config, "show", entry["id"], "--raw")
    assert raw.returncode == 0, raw.stderr
    released = quarantine(config, "release", entry["id"], BOB)
    assert released.returncode == 0, released.stdout + released.stderr
    assert f"recipient={BOB} result=done" in released.stdout, released.stdout
    [received] = gateway.sink.wait_for_messages(1)
    assert received.rcpt_tos == [BOB]
    assert received.mail_from == SENDER
    lines = received.raw.replace(b"\r\n", b"\n").split(b"\n")
    # Postfix's release service adds its Received field on top; below it, ours.
    assert lines[0].startswith(b"Received: from "), lines[:3]
    start = next(index for index, line in enumerate(lines)
                 if line.startswith(b"X-Mailgate-Released: "))
    assert b" by cli:" in lines[start], lines[start]
    body = b"\n".join(lines[start + 1:])
    assert body == raw.stdout.encode().replace(b"\r\n", b"\n"), "the released copy changed"
    assert statuses(entries(config)[0]) == {BOB: "released", DAVE: "quarantined"}
    again = quarantine(config, "release", entry["id"], BOB)
    assert again.returncode == 0 and "result=already-done" in again.stdout, again.stdout
    time.sleep(1)
    assert len(gateway.sink.messages()) == 1, "a second release sent another copy"
    log = gateway.milter_daemon.log_path.read_text()
    assert "quarantine_release" not in log  # the CLI logs releases, not the milter
    # E2: the story of the message, from the milter's decision to the release.
    tracked = run_mailgatectl("--config", config, "track", "--mailgate-id", entry["id"])
    assert tracked.returncode == 0, tracked.stdout + tracked.stderr
    assert " quarantined " in tracked.stdout and " released " in tracked.stdout, tracked.stdout
    assert "actor=cli:" in tracked.stdout, tracked.stdout


def test_E1_a_release_the_server_refuses_or_cannot_take_keeps_the_copy(gateway_factory,
                                                                        tmp_path):
    gateway = gateway_factory(extra_config=QUARANTINE)
    result = send(gateway)
    assert result.returncode == 0, transcript(result)
    entry = held_entry(ctl_config(gateway, tmp_path))
    refusing = ScriptedSmtpServer("452 4.2.2 mailbox full")
    try:
        config = ctl_config(gateway, tmp_path, release_port=refusing.port)
        refused = quarantine(config, "release", entry["id"])
        assert refused.returncode == 1, refused.stdout + refused.stderr
        assert "result=failed" in refused.stdout and "452 4.2.2 mailbox full" in refused.stdout, \
            refused.stdout
    finally:
        refusing.close()
    down = socket.create_server(("127.0.0.1", 0))
    port = down.getsockname()[1]
    down.close()
    unreachable = quarantine(ctl_config(gateway, tmp_path, release_port=port), "release",
                             entry["id"])
    assert unreachable.returncode == 1 and "connect" in unreachable.stdout, unreachable.stdout
    config = ctl_config(gateway, tmp_path)
    assert statuses(entries(config)[0]) == {BOB: "quarantined"}
    assert gateway.sink.messages() == []
    later = quarantine(config, "release", entry["id"])
    assert later.returncode == 0, later.stdout + later.stderr
    [received] = gateway.sink.wait_for_messages(1)
    assert received.rcpt_tos == [BOB]


def test_E1_two_releases_at_once_deliver_one_copy(gateway_factory, tmp_path):
    gateway = gateway_factory(extra_config=QUARANTINE)
    config = ctl_config(gateway, tmp_path)
    result = send(gateway)
    assert result.returncode == 0, transcript(result)
    entry = held_entry(config)
    command = [str(binary_path("mailgatectl")), "--config",
               str(config), "quarantine", "release", entry["id"]]
    both = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(2)]
    outputs = [process.communicate(timeout=60)[0] for process in both]
    assert sum("result=done" in output for output in outputs) == 1, outputs
    assert all("result=done" in output or "result=busy" in output
               or "result=already-done" in output for output in outputs), outputs
    gateway.sink.wait_for_messages(1)
    time.sleep(1)
    assert len(gateway.sink.messages()) == 1, "both releases delivered"


def test_E1_a_full_quarantine_tempfails_and_loses_nothing(gateway_factory, tmp_path):
    gateway = gateway_factory(extra_config={**QUARANTINE, "quarantine": {"max_entries": 1}})
    config = ctl_config(gateway, tmp_path)
    first = send(gateway)
    assert first.returncode == 0, transcript(first)
    second = send(gateway, subject="second")
    assert second.returncode != 0, transcript(second)
    assert "451 4.3.0 Quarantine unavailable (quarantine full)" in second.stdout, \
        transcript(second)
    line = gateway.milter_daemon.wait_for_log(r"event=quarantine_write_failed .*").group(0)
    assert "kind=over-quota" in line, line
    assert [entry["subject"] for entry in entries(config)] == ["cheap watches"]


def test_E1_redis_down_while_quarantining_then_reindex(gateway_factory, tmp_path):
    gateway = gateway_factory(extra_config=QUARANTINE)
    config = ctl_config(gateway, tmp_path)
    gateway.redis.stop()
    try:
        result = send(gateway, subject="while redis was down")
        assert result.returncode == 0, transcript(result)
        gateway.milter_daemon.wait_for_log(r"event=quarantine_held .*")
    finally:
        gateway.redis.start()
    spool = gateway.milter_daemon.directory / "quarantine"
    assert len(list(spool.glob("*/*.eml"))) == 1
    (next(spool.glob("*/")) / "damaged.toml").write_text("this is = not [valid")
    reindexed = quarantine(config, "reindex")
    assert reindexed.returncode == 0, reindexed.stdout + reindexed.stderr
    assert "indexed=1" in reindexed.stdout and "problems=1" in reindexed.stdout, reindexed.stdout
    assert "damaged.toml" in reindexed.stderr, reindexed.stderr
    [entry] = entries(config)
    assert entry["subject"] == "while redis was down"


def test_C3_a_rule_with_action_quarantine_holds_the_message(gateway_factory, tmp_path):
    rules = tmp_path / "rules.d"
    rules.mkdir()
    (rules / "50-hold.toml").write_text(
        '[[rule]]\nname = "HOLD_INVOICES"\naction = "quarantine"\n'
        '[[rule.condition]]\nitem = "subject"\ncondition = "contains"\npattern = "invoice"\n')
    gateway = gateway_factory(extra_config={"rules": {"directory": str(rules)}})
    config = ctl_config(gateway, tmp_path)
    result = send_with_swaks(gateway.smtp_port, SENDER, BOB,
                             ["--xclient-addr", "192.0.2.80", "--header",
                              "Subject: your invoice"], helo="mx.sender.test")
    assert result.returncode == 0, transcript(result)
    entry = held_entry(config)
    assert entry["reason"] == "rule HOLD_INVOICES", entry
    assert [found["id"] for found in entries(config, "--reason", "rule")] == [entry["id"]]
    gateway.postfix.wait_for_log(r"milter-discard: END-OF-MESSAGE")
    assert gateway.sink.messages() == []


def test_E1_a_milter_killed_while_quarantining_leaves_whole_entries_and_postfix_keeps_the_mail(
        gateway_factory, tmp_path):
    gateway = gateway_factory(extra_config=QUARANTINE)
    config = ctl_config(gateway, tmp_path)
    body = tmp_path / "big-body.txt"
    body.write_text(("spam " * 15 + "\r\n") * 50000)  # about 4 MB: a write takes a while
    generator = random.Random(14)
    answers = []
    for attempt in range(6):
        outcome = {}
        sender = threading.Thread(target=lambda: outcome.update(
            result=send(gateway, extra=["--body", f"@{body}"], subject=f"big {attempt}")))
        sender.start()
        time.sleep(generator.uniform(0.0, 1.5))
        gateway.milter_daemon.send_signal(signal.SIGKILL)
        sender.join(120)
        answers.append(outcome["result"])
        gateway.milter_daemon.stop()
        gateway.milter_daemon.start()
    for result in answers:  # accepted, or kept by Postfix for a retry: never refused
        assert result.returncode == 0 or "451 4." in result.stdout, transcript(result)
    spool = gateway.milter_daemon.directory / "quarantine"
    assert not list(spool.glob("*/.tmp-*")), "the restarted milter left temporary files"
    reindexed = quarantine(config, "reindex")
    assert reindexed.returncode == 0 and "problems=0" in reindexed.stdout, \
        reindexed.stdout + reindexed.stderr
    accepted = sum(result.returncode == 0 for result in answers)
    assert len(entries(config, "--limit", "100")) >= accepted
