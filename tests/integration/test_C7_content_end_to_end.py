# C7, C8, B4: the content stage end to end, through the real Postfix, mailgate-policyd,
# mailgate-milter and the SMTP sink: a clean message arrives with X-Spam-Status: No, a
# message with a broken From is tagged (default) or rejected at end of DATA (configured),
# forged X-Spam-* headers from outside are replaced by ours, spam gets the Subject tag,
# and spam_action = delete accepts the message and delivers nothing.
import time

from devgateway import send_with_swaks
from devgateway.swaks import transcript


def send(gateway, extra=(), sender="alice@sender.test", recipient="bob@example.test"):
    return send_with_swaks(gateway.smtp_port, sender, recipient,
                           ["--xclient-addr", "192.0.2.80", "--xclient-name", "mx.sender.test",
                            *extra], helo="mx.sender.test")


BROKEN_FROM = ("--header", "From: Alice <alice@", "--header", "Subject: invoice")


def test_C7_a_clean_message_arrives_with_x_spam_status_no(gateway):
    result = send(gateway, ["--header", "Subject: lunch on Friday"])
    assert result.returncode == 0, transcript(result)
    [received] = gateway.sink.wait_for_messages(1)
    [status] = received.message.get_all("X-Spam-Status")
    assert status.startswith("No, score="), status
    assert received.message["X-Spam-Flag"] is None
    assert received.message["Subject"] == "lunch on Friday"
    assert len(received.message.get_all("X-Mailgate-Id")) == 1


def test_B4_a_broken_from_is_tagged_by_default(gateway):
    result = send(gateway, BROKEN_FROM)
    assert result.returncode == 0, transcript(result)
    [received] = gateway.sink.wait_for_messages(1)
    status = received.message["X-Spam-Status"]
    assert "HEADER_FROM_INVALID" in status and status.startswith("No, score=3.0"), status
    line = gateway.milter_daemon.wait_for_log(r"event=message_decision .*").group(0)
    assert "HEADER_FROM_INVALID(3)" in line and "action=accept" in line, line


def test_B4_a_broken_from_is_rejected_at_end_of_data_when_configured(gateway_factory):
    gateway = gateway_factory(extra_config={"header_checks": {"action": "reject"}})
    result = send(gateway, BROKEN_FROM)
    assert result.returncode != 0, transcript(result)
    assert "550 5.7.1 Message rejected: From header does not parse" in result.stdout, \
        transcript(result)
    time.sleep(0.5)
    assert gateway.sink.messages() == []


def test_C7_forged_spam_headers_from_outside_are_replaced(gateway):
    result = send(gateway, ["--header", "X-Spam-Status: No, score=-50.0",
                            "--add-header", "X-Spam-Flag: NO",
                            "--add-header", "X-SPAM-SCORE: -50"])
    assert result.returncode == 0, transcript(result)
    [received] = gateway.sink.wait_for_messages(1)
    [status] = received.message.get_all("X-Spam-Status")
    assert "-50" not in status and status.startswith("No, score=0.0"), status
    assert received.message.get_all("X-Spam-Flag") is None
    assert received.message.get_all("X-Spam-Score") == ["0.0"]


def test_C8_spam_gets_the_subject_tag_and_the_flag(gateway_factory):
    gateway = gateway_factory(extra_config={"scoring": {
        "symbol_weights": ["HEADER_FROM_INVALID=7.5"], "subject_tag": "---spam---"}})
    result = send(gateway, BROKEN_FROM)
    assert result.returncode == 0, transcript(result)
    [received] = gateway.sink.wait_for_messages(1)
    assert received.message["Subject"] == "---spam--- invoice"
    assert received.message["X-Spam-Flag"] == "YES"
    assert received.message["X-Spam-Level"] == "*******"
    assert received.message["X-Spam-Status"].startswith("Yes, score=7.5 required=5.0 ")


def test_C8_spam_action_delete_accepts_and_delivers_nothing(gateway_factory):
    gateway = gateway_factory(extra_config={"scoring": {
        "symbol_weights": ["HEADER_FROM_INVALID=9"], "spam_action": "delete"}})
    result = send(gateway, BROKEN_FROM)
    assert result.returncode == 0, transcript(result)
    line = gateway.milter_daemon.wait_for_log(r"event=message_decision .*").group(0)
    assert "action=delete" in line and "spam=yes" in line, line
    gateway.postfix.wait_for_log(r"milter-discard: END-OF-MESSAGE")
    assert gateway.sink.messages() == []
