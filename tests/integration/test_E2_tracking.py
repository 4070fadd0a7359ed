# E2: message tracking through the real Postfix, mailgate-policyd, mailgate-milter and
# Redis. swaks presents Internet clients with XCLIENT. Proves that `mailgatectl track`
# answers what happened and why: a relay attempt refused at RCPT (which check, which
# reply, no queue ID), a greylisted attempt and its retry accepted then delivered with its
# score and queue ID (found by the queue ID together with the policy stage's decisions),
# and that tracking.enabled = false writes nothing. Records are written without waiting,
# so each query is retried for a few seconds.
import json
import re
import time

from devgateway import run_mailgatectl, send_with_swaks
from devgateway.swaks import transcript

DELAY = 2


def send_from(gateway, address, sender="alice@sender.test", recipient="bob@example.test"):
    return send_with_swaks(gateway.smtp_port, sender, recipient,
                           ["--xclient-addr", address, "--xclient-name", "mx.sender.test",
                            "--header", "Message-Id: <tracking-%s@sender.test>" % address],
                           helo="mx.sender.test")


def track(gateway, *arguments):
    return run_mailgatectl("--config", gateway.policy_daemon.config_path, "track", "--json",
                           *arguments)


def track_until(gateway, enough, *arguments, seconds=10.0):
    """The records of `track` once `enough(records)` holds (or the last answer)."""
    deadline = time.monotonic() + seconds
    while True:
        result = track(gateway, *arguments)
        records = json.loads(result.stdout)["records"] if result.returncode == 0 else []
        if enough(records) or time.monotonic() > deadline:
            return result, records
        time.sleep(0.2)


def test_E2_track_tells_which_check_refused_a_relay_attempt_at_rcpt(gateway_factory):
    gateway = gateway_factory(extra_config={"relay": {"domains": ["example.test"]}})
    refused = send_from(gateway, "192.0.2.30", recipient="victim@elsewhere.test")
    assert "554 5.7.1" in refused.stdout, transcript(refused)
    result, records = track_until(gateway, lambda found: len(found) >= 1,
                                  "--recipient", "victim@elsewhere.test")
    assert result.returncode == 0, result.stderr
    [record] = records
    assert record["stage"] == "policy" and record["action"] == "rejected", record
    assert record["state"] == "RCPT" and record["queue_id"] == "", record
    assert record["check"] == "relay", record
    assert record["reply"].startswith("554 5.7.1"), record
    assert record["client_address"] == "192.0.2.30", record
    assert record["sender"] == "alice@sender.test", record
    assert record["recipients"] == [{"address": "victim@elsewhere.test",
                                     "action": "rejected"}], record
    text = run_mailgatectl("--config", gateway.policy_daemon.config_path, "track",
                           "--recipient", "victim@elsewhere.test")
    assert text.returncode == 0 and " rejected stage=policy " in text.stdout, text.stdout


def test_E2_track_follows_a_greylisted_message_to_its_delivery(gateway_factory):
    gateway = gateway_factory(extra_config={
        "greylist": {"enabled": True, "delay_s": DELAY, "origin_whitelist_after": 0,
                     "origin_whitelist_interval_s": 0},
        "relay": {"domains": ["example.test"]}})
    first = send_from(gateway, "192.0.2.50")
    assert "450 4.7.1" in first.stdout, transcript(first)
    _, greylisted = track_until(gateway, lambda found: len(found) >= 1,
                                "--sender", "alice@sender.test")
    assert [r["action"] for r in greylisted] == ["greylisted"], greylisted
    assert greylisted[0]["check"] == "greylist", greylisted
    assert greylisted[0]["reply"].startswith("450 4.7.1"), greylisted

    time.sleep(DELAY + 0.5)
    retried = send_from(gateway, "192.0.2.50")
    assert retried.returncode == 0, transcript(retried)
    gateway.sink.wait_for_messages(1)
    decision = gateway.milter_daemon.wait_for_log(r"event=message_decision queue_id=(\S+)")
    queue_id = decision.group(1)

    result, story = track_until(gateway, lambda found: len(found) >= 3, "--queue-id", queue_id)
    assert result.returncode == 0, result.stderr
    assert [(r["stage"], r["action"]) for r in story] == [
        ("policy", "greylisted"), ("policy", "accepted"), ("content", "delivered")], story
    delivered = story[-1]
    assert delivered["queue_id"] == queue_id and delivered["mailgate_id"], delivered
    assert delivered["message_id"] == "tracking-192.0.2.50@sender.test", delivered
    assert isinstance(delivered["score"], (int, float)) and "required" in delivered, delivered
    assert delivered["recipients"] == [{"address": "bob@example.test",
                                        "action": "delivered"}], delivered
    assert story[0]["related"] and story[1]["related"] and not delivered["related"], story
    by_message_id = track(gateway, "--message-id", "<tracking-192.0.2.50@sender.test>",
                          "--no-related")
    assert by_message_id.returncode == 0, by_message_id.stderr
    assert [r["queue_id"] for r in json.loads(by_message_id.stdout)["records"]] == [queue_id]
    text = run_mailgatectl("--config", gateway.policy_daemon.config_path, "track",
                           "--queue-id", queue_id)
    assert re.search(r" delivered stage=content .*score=-?\d+\.\d\d", text.stdout), text.stdout


def test_E2_tracking_disabled_writes_nothing(gateway_factory):
    gateway = gateway_factory(extra_config={"relay": {"domains": ["example.test"]},
                                            "tracking": {"enabled": False}})
    sent = send_from(gateway, "192.0.2.70")
    assert sent.returncode == 0, transcript(sent)
    gateway.sink.wait_for_messages(1)
    gateway.milter_daemon.wait_for_log(r"event=message_decision ")
    time.sleep(0.5)
    result = track(gateway, "--sender", "alice@sender.test")
    assert result.returncode == 1, result.stdout
    assert json.loads(result.stdout)["records"] == [], result.stdout
