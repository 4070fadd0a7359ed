# `mailgatectl scan` runs the milter's own content stage (ContentStage::decide), so it must
# give the milter's verdict for every recipient: here every message of the rules' golden
# data (tests/data/rules/cases) goes through a real mailgate-milter (driven over the
# milter protocol by tools/devgateway/milter_client.py) and through `mailgatectl scan`
# with the very same config file, and the per-recipient action and spam flag must agree;
# then the same with personal lists and the auto-whitelist in a real Redis. scan reads
# Redis but learns nothing (it is run first, so both see the same auto-whitelist history).
from email.utils import formatdate
import json
import re
import time
import tomllib

import pytest

from devgateway import MilterClient, MilterDaemon, make_subdirectory, run_mailgatectl
from devgateway.milter_client import split_message

from test_C3_rules_golden import DATA, DEFAULT_RECIPIENTS, DEFAULT_SENDER, message_bytes, \
    rule_files_of

CLIENT = "192.0.2.44"


def start_milter(request, server_directory, redis_server, name, extra_config):
    daemon = MilterDaemon(make_subdirectory(server_directory, name), redis_server,
                          log_level="info", extra_config=extra_config)
    daemon.start()
    request.addfinalizer(daemon.stop)
    return daemon


def scan_verdicts(daemon, raw, tmp_path, sender, recipients, name):
    message = tmp_path / f"{name}.eml"
    message.write_bytes(raw)
    arguments = ["--config", daemon.config_path, "scan", "--json", "--sender", sender,
                 "--client-ip", CLIENT, "--client-name", "mx.sender.test",
                 "--helo", "mx.sender.test"]
    for recipient in recipients:
        arguments += ["--rcpt", recipient]
    result = run_mailgatectl(*arguments, message)
    assert result.returncode == 0, result.stdout + result.stderr
    [line] = result.stdout.splitlines()
    decided = json.loads(line)
    return {got["recipient"]: (got["action"], got["spam"]) for got in decided["recipients"]}


def milter_verdicts(daemon, raw, sender, recipients, queue_id):
    """Each recipient's verdict from the milter's message_decision line: its own where it
    differs from the delivered copy's (recipient_verdicts), else the copy's."""
    crlf = raw if b"\r\n" in raw else raw.replace(b"\n", b"\r\n")
    with MilterClient(daemon.socket_spec) as client:
        client.negotiate()
        assert client.connect(address=CLIENT)[0] == "continue"
        assert client.helo()[0] == "continue"
        assert client.mail(sender)[0] == "continue"
        for recipient in recipients:
            assert client.rcpt(recipient)[0] == "continue"
        assert client.data(queue_id=queue_id)[0] == "continue"
        fields, body = split_message(crlf)
        for name, value in fields:
            client.header(name, value)
        assert client.end_of_headers()[0] == "continue"
        client.body(body)
        client.end_of_message(queue_id=queue_id)
    line = daemon.wait_for_log(rf"event=message_decision queue_id={queue_id} [^\n]*").group(0)
    action = re.search(r" action=(\S+)", line).group(1)
    spam = re.search(r" spam=(\S+)", line).group(1) == "yes"
    own = {}
    listed = re.search(r" recipient_verdicts=(\S+)", line)
    for entry in (listed.group(1).strip('"').split(",") if listed else []):
        recipient, _, verdict = entry.rpartition("=")
        kind, _, flag = verdict.partition("/")
        own[recipient] = (kind, flag == "spam")
    return {recipient: own.get(recipient, (action, spam)) for recipient in recipients}


def golden_cases():
    for path in sorted((DATA / "cases").glob("*.toml")):
        yield pytest.param(path, id=path.stem)


@pytest.mark.parametrize("path", golden_cases())
def test_C3_scan_and_the_milter_agree_on_every_golden_message(request, server_directory,
                                                              redis_server, tmp_path, path):
    case = tomllib.loads(path.read_text(encoding="utf-8"))
    rules = tmp_path / "rules.d"
    rules.mkdir()
    for name, text in rule_files_of(case).items():
        (rules / name).write_text(text, encoding="utf-8")
    extra = tomllib.loads(case.get("config", ""))
    extra.setdefault("rules", {})["directory"] = str(rules)
    daemon = start_milter(request, server_directory, redis_server, "milter", extra)
    for number, entry in enumerate(case.get("scan", [])):
        raw = message_bytes(entry)
        sender = entry.get("sender", DEFAULT_SENDER)
        recipients = entry.get("recipients", DEFAULT_RECIPIENTS)
        scanned = scan_verdicts(daemon, raw, tmp_path, sender, recipients, entry["id"])
        milter = milter_verdicts(daemon, raw, sender, recipients, f"GOLD{number:04d}X")
        assert scanned == milter, f"{path.stem}:{entry['id']}: scan {scanned} milter {milter}"


def wait_for_awl_count(redis_server, count, timeout=10.0):
    """The milter learns without waiting for Redis: wait until it has, before scanning."""
    deadline = time.monotonic() + timeout
    while True:
        got = redis_server.client_command("HGET", "mailgate:awl:{192.0}",
                                          "c|alice@sender.test").stdout.strip()
        if got == str(count) or time.monotonic() > deadline:
            assert got == str(count), f"the AWL counted {got!r}, not {count}"
            return
        time.sleep(0.05)


SPAMMY = (b"From: Alice <alice@\r\nTo: team@example.test\r\n"
          + f"Date: {formatdate(usegmt=True)}\r\n".encode() + b"Message-ID: <awl-1@sender.test>\r\n"
          b"Subject: the offer\r\n\r\nBuy now\r\n")


def test_C5_C6_scan_and_the_milter_agree_with_personal_lists_and_the_awl_in_redis(
        request, server_directory, redis_server, tmp_path):
    extra = {"scoring": {"symbol_weights": ["HEADER_FROM_INVALID=6"], "spam_action": "delete"},
             "awl": {"enabled": True}}
    daemon = start_milter(request, server_directory, redis_server, "milter", extra)
    recipients = [f"user{number}@example.test" for number in range(1, 6)]
    for recipient, kind, entry in ((recipients[0], "white", "sender.test"),
                                   (recipients[1], "black", "alice@sender.test"),
                                   (recipients[2], "white", "other.example")):
        added = run_mailgatectl("--config", daemon.config_path, "lists", "add", recipient, kind,
                                entry)
        assert added.returncode == 0, added.stdout + added.stderr
    for round_number in range(3):  # the AWL's history grows with each message the milter sees
        scanned = scan_verdicts(daemon, SPAMMY, tmp_path, "alice@sender.test", recipients,
                                f"round{round_number}")
        milter = milter_verdicts(daemon, SPAMMY, "alice@sender.test", recipients,
                                 f"AWL{round_number:04d}X")
        assert scanned == milter, f"round {round_number}: scan {scanned} milter {milter}"
        assert scanned[recipients[0]] == ("accept", False), scanned
        assert scanned[recipients[1]][0] == "delete", scanned
        wait_for_awl_count(redis_server, round_number + 1)
    line = daemon.wait_for_log(r"event=message_decision queue_id=AWL0002X [^\n]*").group(0)
    assert "AWL(" in line, "the third message has a history to move toward"
