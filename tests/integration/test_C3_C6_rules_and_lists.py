# C3, C4, C5, C6: global rules, white and black lists and the auto-whitelist through the
# real Postfix, mailgate-policyd, mailgate-milter, Redis and the SMTP sink, as a postmaster
# uses them: a rule on "attach_file_name ends with .exe" deletes or delivers per its
# action, a ham rule delivers a message that scores as spam, a global whitelist and
# blacklist decide whatever the score, a personal whitelist (set with `mailgatectl
# lists`) delivers to one recipient while the other recipient's copy is deleted as spam,
# the auto-whitelist moves a second message's score toward the sender's mean (and
# `mailgatectl awl` shows it), and with Redis down rules and global lists still work.
# What each item and condition matches is the golden tests' job (test_C3_rules_golden.py).
from email.utils import formatdate
import json
import time

from devgateway import run_mailgatectl, send_with_swaks
from devgateway.swaks import transcript

CLIENT = "192.0.2.80"
SENDER = "alice@sender.test"
BOB = "bob@example.test"
CAROL = "carol@example.test"
# A broken From scores HEADER_FROM_INVALID; weighted 10 it makes any message spam.
SPAMMY = ("--header", "From: Alice <alice@")
SPAM_SETTINGS = {"scoring": {"symbol_weights": ["HEADER_FROM_INVALID=10"],
                             "spam_action": "delete"}}

EXE_MESSAGE = """\
From: Alice <alice@sender.test>
To: bob@example.test
Subject: your invoice
Date: {date}
Message-ID: <exe-attachment@sender.test>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b1"

--b1
Content-Type: text/plain

Please find the invoice attached.
--b1
Content-Type: application/octet-stream; name="invoice.pdf.exe"
Content-Disposition: attachment; filename="invoice.pdf.exe"
Content-Transfer-Encoding: base64

TVqQAAMAAAAEAAAA//8AALgAAAAAAAAAQAAAAAAAAAA=
--b1--
"""
# Dated now: a fixed date would grow old and draw DATE_IN_PAST.
EXE_MESSAGE = EXE_MESSAGE.replace("{date}", formatdate(usegmt=True))

EXE_RULE = """\
[[rule]]
name = "executable attachment"
comment = "Windows programs are never mail"
classification = "spam"
action = "{action}"
[[rule.condition]]
item = "attach_file_name"
condition = "ends_with"
pattern = ".exe"
"""

HAM_RULE = """\
[[rule]]
name = "quarterly report"
classification = "ham"
[[rule.condition]]
item = "subject"
condition = "contains"
pattern = "Quarterly Report"
"""


def rules_config(tmp_path, text, extra=None):
    directory = tmp_path / "rules.d"
    directory.mkdir(exist_ok=True)
    (directory / "50-test.toml").write_text(text)
    config = {"rules": {"directory": str(directory)}}
    config.update(extra or {})
    return config


def send(gateway, recipients=(BOB,), extra=(), sender=SENDER, client=CLIENT):
    return send_with_swaks(gateway.smtp_port, sender, ",".join(recipients),
                           ["--xclient-addr", client, "--xclient-name", "mx.sender.test",
                            *extra], helo="mx.sender.test")


def send_file(gateway, tmp_path, text, recipients=(BOB,)):
    path = tmp_path / "message.eml"
    path.write_text(text.replace("\n", "\r\n"))
    return send(gateway, recipients, ["--data", f"@{path}"])


def decision(gateway, pattern, since=0):
    return gateway.milter_daemon.wait_for_log(
        r"event=message_decision .*" + pattern + r".*", since=since).group(0)


def only_message_after_a_clean_one(gateway):
    """Sends a clean message and returns every message the sink then holds: the clean one
    arriving proves anything sent before it that is absent was not delivered."""
    result = send(gateway, extra=["--header", "Subject: clean marker"])
    assert result.returncode == 0, transcript(result)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        received = gateway.sink.messages()
        if any(message.message["Subject"] == "clean marker" for message in received):
            return received
        time.sleep(0.05)
    raise TimeoutError("the clean marker message did not arrive")


def lists_command(gateway, *arguments):
    return run_mailgatectl("--config", gateway.milter_daemon.config_path, "lists", *arguments)


def test_C3_an_exe_attachment_rule_with_action_delete_deletes_the_message(gateway_factory,
                                                                          tmp_path):
    gateway = gateway_factory(extra_config=rules_config(tmp_path,
                                                        EXE_RULE.format(action="delete")))
    result = send_file(gateway, tmp_path, EXE_MESSAGE)
    assert result.returncode == 0, transcript(result)  # accepted, then discarded
    line = decision(gateway, "action=delete")
    assert "RULE_EXECUTABLE_ATTACHMENT" in line and "rule executable attachment" in line, line
    received = only_message_after_a_clean_one(gateway)
    assert [m.message["Subject"] for m in received] == ["clean marker"]


def test_C3_an_exe_attachment_rule_with_action_deliver_tags_and_delivers(gateway_factory,
                                                                         tmp_path):
    gateway = gateway_factory(extra_config=rules_config(tmp_path,
                                                        EXE_RULE.format(action="deliver"),
                                                        SPAM_SETTINGS))
    result = send_file(gateway, tmp_path, EXE_MESSAGE)
    assert result.returncode == 0, transcript(result)
    [received] = gateway.sink.wait_for_messages(1)
    assert received.message["X-Spam-Flag"] == "YES"
    status = received.message["X-Spam-Status"]
    assert status.startswith("Yes, score=0.0") and "RULE_EXECUTABLE_ATTACHMENT" in status, status


def test_C3_a_ham_rule_delivers_a_message_that_scores_as_spam(gateway_factory, tmp_path):
    gateway = gateway_factory(extra_config=rules_config(tmp_path, HAM_RULE, SPAM_SETTINGS))
    ham = send(gateway, extra=[*SPAMMY, "--header", "Subject: the quarterly report for Q3"])
    assert ham.returncode == 0, transcript(ham)
    [received] = gateway.sink.wait_for_messages(1)
    status = received.message["X-Spam-Status"]
    assert status.startswith("No, score=10.0") and "RULE_QUARTERLY_REPORT" in status, status
    assert received.message["X-Spam-Flag"] is None
    # Without the subject the rule looks for, the same message is spam and deleted.
    spam = send(gateway, extra=[*SPAMMY, "--header", "Subject: the annual report"])
    assert spam.returncode == 0, transcript(spam)
    line = decision(gateway, "action=delete")
    assert "HEADER_FROM_INVALID(10)" in line, line


def test_C4_global_whitelist_and_blacklist_decide_whatever_the_score(gateway_factory, tmp_path):
    lists = {"lists": {"whitelist": ["client:192.0.2.0/25"], "blacklist": ["from:*.bulk.test"],
                       "whitelist_from_needs_spf": True}}
    gateway = gateway_factory(extra_config=rules_config(tmp_path, HAM_RULE,
                                                        {**SPAM_SETTINGS, **lists}))
    whitelisted = send(gateway, extra=[*SPAMMY, "--header", "Subject: from a trusted client"])
    assert whitelisted.returncode == 0, transcript(whitelisted)
    [received] = gateway.sink.wait_for_messages(1)
    status = received.message["X-Spam-Status"]
    # Whitelisted mail skips the anti-spam checks: the broken From is not even scored.
    assert status.startswith("No, score=0.0") and "WHITELIST" in status, status
    assert "HEADER_FROM_INVALID" not in status, status

    gateway.sink.clear()
    black = send(gateway, sender="offers@mail.bulk.test", client="192.0.2.200",
                 extra=["--header", "Subject: a clean-looking message"])
    assert black.returncode == 0, transcript(black)
    line = decision(gateway, r"sender=offers@mail\.bulk\.test.*action=delete")
    assert "BLACKLIST" in line and "from:*.bulk.test" in line, line
    assert [m.message["Subject"] for m in only_message_after_a_clean_one(gateway)] == [
        "clean marker"]


def test_C4_a_sender_whitelist_without_spf_pass_does_not_count(gateway_factory, tmp_path):
    lists = {"lists": {"whitelist": ["from:sender.test"]}}
    gateway = gateway_factory(extra_config=rules_config(tmp_path, HAM_RULE,
                                                        {**SPAM_SETTINGS, **lists}))
    result = send(gateway, extra=[*SPAMMY, "--header", "Subject: forged partner"])
    assert result.returncode == 0, transcript(result)
    line = decision(gateway, "action=delete")
    assert "WHITELIST_FROM_UNVERIFIED" in line, line


def test_C5_a_personal_whitelist_delivers_to_one_recipient_and_deletes_the_others_copy(
        gateway_factory, tmp_path):
    gateway = gateway_factory(extra_config=rules_config(tmp_path, HAM_RULE, SPAM_SETTINGS))
    added = lists_command(gateway, "add", BOB, "white", "sender.test")
    assert added.returncode == 0 and "added" in added.stdout, added.stdout + added.stderr
    shown = lists_command(gateway, "show", BOB, "--json")
    assert json.loads(shown.stdout) == {"recipient": BOB, "white": ["sender.test"], "black": []}

    result = send(gateway, recipients=(BOB, CAROL),
                  extra=[*SPAMMY, "--header", "Subject: for two readers"])
    assert result.returncode == 0, transcript(result)
    [received] = gateway.sink.wait_for_messages(1)
    assert received.rcpt_tos == [BOB], received.rcpt_tos
    status = received.message["X-Spam-Status"]
    assert status.startswith("No, score=10.0") and "PERSONAL_WHITELIST" in status, status
    line = decision(gateway, "recipient_verdicts=")
    assert f"{CAROL}=delete/spam" in line, line

    removed = lists_command(gateway, "remove", BOB, "white", "sender.test")
    assert removed.returncode == 0, removed.stdout + removed.stderr
    gateway.sink.clear()
    again = send(gateway, recipients=(BOB, CAROL),
                 extra=[*SPAMMY, "--header", "Subject: again for two readers"])
    assert again.returncode == 0, transcript(again)
    assert [m.message["Subject"] for m in only_message_after_a_clean_one(gateway)] == [
        "clean marker"], "without the whitelist both copies are deleted"


def test_C5_a_personal_blacklist_deletes_only_that_recipients_copy(gateway_factory, tmp_path):
    gateway = gateway_factory(extra_config=rules_config(tmp_path, HAM_RULE, SPAM_SETTINGS))
    added = lists_command(gateway, "add", CAROL, "black", SENDER)
    assert added.returncode == 0, added.stdout + added.stderr
    result = send(gateway, recipients=(BOB, CAROL), extra=["--header", "Subject: hello both"])
    assert result.returncode == 0, transcript(result)
    [received] = gateway.sink.wait_for_messages(1)
    assert received.rcpt_tos == [BOB], received.rcpt_tos
    assert received.message["X-Spam-Status"].startswith("No, score=0.0")


def test_C6_the_auto_whitelist_moves_a_second_message_toward_the_senders_mean(
        gateway_factory, tmp_path):
    settings = {"scoring": {"symbol_weights": ["HEADER_FROM_INVALID=6"]},
                "awl": {"enabled": True, "factor": 0.5}}
    gateway = gateway_factory(extra_config=rules_config(tmp_path, HAM_RULE, settings))
    first = send(gateway, extra=[*SPAMMY, "--header", "Subject: first"])
    assert first.returncode == 0, transcript(first)
    [received] = gateway.sink.wait_for_messages(1)
    assert received.message["X-Spam-Status"].startswith("Yes, score=6.0")
    assert "AWL" not in received.message["X-Spam-Status"], "a first message has no history"

    gateway.sink.clear()
    second = send(gateway, client="192.0.99.1", extra=["--header", "Subject: second"])
    assert second.returncode == 0, transcript(second)
    [received] = gateway.sink.wait_for_messages(1)
    status = received.message["X-Spam-Status"]
    # Same sender, same first two octets: 0 + (6 - 0) * 0.5 = 3.
    assert status.startswith("No, score=3.0") and "AWL" in status, status

    listed = run_mailgatectl("--config", gateway.milter_daemon.config_path, "awl", "list",
                             "--json")
    assert listed.returncode == 0, listed.stdout + listed.stderr
    [network] = [json.loads(line) for line in listed.stdout.splitlines()]
    # The totals take each message's own score, before the adjustment.
    assert network == {"network": "192.0", "count": 2, "total": 6.0, "mean": 3.0,
                       "senders": 1}, network
    shown = run_mailgatectl("--config", gateway.milter_daemon.config_path, "awl", "show",
                            "192.0.2.1")
    assert f"sender={SENDER} count=2 total=6.00 mean=3.00" in shown.stdout, shown.stdout
    removed = run_mailgatectl("--config", gateway.milter_daemon.config_path, "awl", "remove",
                              "192.0")
    assert removed.returncode == 0, removed.stdout + removed.stderr
    assert run_mailgatectl("--config", gateway.milter_daemon.config_path, "awl",
                           "list").stdout == ""


def test_C3_C4_with_redis_down_rules_and_global_lists_still_work(gateway_factory, tmp_path):
    settings = {**SPAM_SETTINGS, "awl": {"enabled": True},
                "lists": {"blacklist": ["from:bulk.test"]}}
    gateway = gateway_factory(extra_config=rules_config(tmp_path,
                                                        EXE_RULE.format(action="delete") + HAM_RULE,
                                                        settings))
    gateway.redis.stop()
    try:
        ham = send(gateway, extra=[*SPAMMY, "--header", "Subject: Quarterly Report"])
        assert ham.returncode == 0, transcript(ham)
        [received] = gateway.sink.wait_for_messages(1)
        assert "RULE_QUARTERLY_REPORT" in received.message["X-Spam-Status"]
        line = decision(gateway, "redis_failure=")
        assert "awl:" in line and "personal lists:" in line, line

        exe = send_file(gateway, tmp_path, EXE_MESSAGE)
        assert exe.returncode == 0, transcript(exe)
        decision(gateway, "action=delete.*RULE_EXECUTABLE_ATTACHMENT")
        black = send(gateway, sender="x@bulk.test", extra=["--header", "Subject: bulk"])
        assert black.returncode == 0, transcript(black)
        decision(gateway, r"sender=x@bulk\.test.*action=delete")
        subjects = [m.message["Subject"] for m in only_message_after_a_clean_one(gateway)]
        assert subjects == ["Quarterly Report", "clean marker"], subjects
    finally:
        gateway.redis.start()


def test_C3_rules_reload_with_the_config_on_sighup_and_a_bad_rule_file_keeps_the_old(
        gateway_factory, tmp_path):
    gateway = gateway_factory(extra_config=rules_config(tmp_path, HAM_RULE, SPAM_SETTINGS))
    milter = gateway.milter_daemon
    rule_file = tmp_path / "rules.d" / "50-test.toml"

    rule_file.write_text(EXE_RULE.format(action="delete"))
    position = milter.log_position()
    milter.reload()
    milter.wait_for_log(r"event=config_reloaded .*generation=2", since=position)
    result = send_file(gateway, tmp_path, EXE_MESSAGE)
    assert result.returncode == 0, transcript(result)
    decision(gateway, "action=delete.*RULE_EXECUTABLE_ATTACHMENT", since=position)

    rule_file.write_text(EXE_RULE.format(action="delete") + "[[rule]]\nname = \"broken\"\n")
    position = milter.log_position()
    milter.reload()
    problem = milter.wait_for_log(r"event=config_problem .*", since=position).group(0)
    assert "50-test.toml" in problem and "no condition" in problem, problem
    refused = milter.wait_for_log(r"event=config_reload_refused .*", since=position).group(0)
    assert "kept_generation=2" in refused, refused
    again = send_file(gateway, tmp_path, EXE_MESSAGE)
    assert again.returncode == 0, transcript(again)
    line = decision(gateway, "action=delete", since=position)
    assert "config_generation=2" in line, "the old rules stay in force: " + line
