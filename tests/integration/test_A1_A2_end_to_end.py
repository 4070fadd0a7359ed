# One message end to end through the real Postfix, mailgate-policyd and mailgate-milter
# (A1, A2, F2, docs/features.md), and what Postfix does when each daemon or Redis is down: mail
# waits (4xx) and is delivered when the sender retries; nothing is lost or bounced.
import re
import smtplib

from devgateway import send_with_swaks
from devgateway.swaks import transcript

MAILGATE_ID = re.compile(r"^[0-9A-HJKMNP-TV-Z]{18}$")


def postfix_queue_id_for(gateway, message_id_text):
    """The Postfix queue ID of the message whose Message-ID contains the given text."""
    match = gateway.postfix.wait_for_log(
        rf"postfix/cleanup\[\d+\]: ([0-9A-F]+): message-id=<[^>]*{re.escape(message_id_text)}")
    return match.group(1)


def test_A1_message_reaches_the_sink_with_an_X_Mailgate_Id_header(gateway):
    result = send_with_swaks(gateway.smtp_port, "alice@sender.test", "bob@example.test",
                             ["--header", "Message-Id: <e2e-one@sender.test>",
                              "--header", "Subject: end to end"])
    assert result.returncode == 0, transcript(result)

    [received] = gateway.sink.wait_for_messages(1)
    assert received.mail_from == "alice@sender.test"
    assert received.rcpt_tos == ["bob@example.test"]
    identifiers = received.message.get_all("X-Mailgate-Id")
    assert identifiers is not None and len(identifiers) == 1, received.raw[:2000]
    mailgate_id = identifiers[0]
    assert MAILGATE_ID.match(mailgate_id), mailgate_id
    assert received.message["Subject"] == "end to end"

    # F2: the milter's decision line ties the mailgate ID to Postfix's queue ID.
    queue_id = postfix_queue_id_for(gateway, "e2e-one")
    decision = gateway.milter_daemon.wait_for_log(r"event=message_decision .*")
    line = decision.group(0)
    assert f"queue_id={queue_id}" in line, line
    assert f"mailgate_id={mailgate_id}" in line, line
    assert "action=accept" in line and "sender=alice@sender.test" in line, line


def test_A2_the_policy_daemon_saw_the_request(gateway):
    result = send_with_swaks(gateway.smtp_port, "carol@sender.test", "dave@example.test",
                             ["--xclient-addr", "192.0.2.7", "--xclient-name", "mx.sender.test"],
                             helo="mx.sender.test")
    assert result.returncode == 0, transcript(result)
    match = gateway.policy_daemon.wait_for_log(r"event=policy_decision .*recipient=dave@example\.test.*")
    line = match.group(0)
    for expected in ("protocol_state=RCPT", "client_address=192.0.2.7",
                     "client_name=mx.sender.test", "helo_name=mx.sender.test",
                     "sender=carol@sender.test", "action=DUNNO"):
        assert expected in line, line
    gateway.sink.wait_for_messages(1)


def test_A1_a_forged_X_Mailgate_Id_from_outside_is_replaced_by_ours(gateway):
    result = send_with_swaks(gateway.smtp_port, "eve@sender.test", "bob@example.test",
                             ["--header", "X-Mailgate-Id: FORGED000000000000",
                              "--add-header", "X-MAILGATE-ID: FORGED111111111111"])
    assert result.returncode == 0, transcript(result)
    [received] = gateway.sink.wait_for_messages(1)
    identifiers = received.message.get_all("X-Mailgate-Id")
    assert len(identifiers) == 1, identifiers
    assert not identifiers[0].startswith("FORGED"), identifiers
    assert "removed_forged_headers=2" in gateway.milter_daemon.log_text()


def test_A1_several_recipients_and_messages_on_one_connection(gateway):
    result = send_with_swaks(gateway.smtp_port, "alice@sender.test",
                             "one@example.test,two@example.test",
                             ["--pipeline"])
    assert result.returncode == 0, transcript(result)
    [received] = gateway.sink.wait_for_messages(1)
    assert sorted(received.rcpt_tos) == ["one@example.test", "two@example.test"]
    assert "recipients=2" in gateway.milter_daemon.wait_for_log(r"event=message_decision .*").group(0)


def test_A1_with_the_milter_stopped_postfix_tempfails_and_the_retry_is_delivered(gateway):
    gateway.milter_daemon.stop()
    refused = send_with_swaks(gateway.smtp_port, "alice@sender.test", "bob@example.test",
                              ["--header", "Message-Id: <milter-down@sender.test>"])
    assert refused.returncode != 0, transcript(refused)
    assert re.search(r"<\*\* 4\d\d", refused.stdout), transcript(refused)
    assert re.search(r"<\*\* 451 4\.7\.1 Service unavailable - try again later", refused.stdout), \
        transcript(refused)
    # Not accepted, so not queued and not bounced: the sending client still holds it.
    assert gateway.postfix.queue_ids() == []
    assert gateway.sink.messages() == []

    gateway.milter_daemon.start()
    retried = send_with_swaks(gateway.smtp_port, "alice@sender.test", "bob@example.test",
                              ["--header", "Message-Id: <milter-down@sender.test>"])
    assert retried.returncode == 0, transcript(retried)
    [received] = gateway.sink.wait_for_messages(1)
    assert received.message["Message-Id"] == "<milter-down@sender.test>"
    assert received.message["X-Mailgate-Id"]


def test_A2_with_the_policy_daemon_stopped_postfix_defers_with_the_documented_451(gateway):
    gateway.policy_daemon.stop()
    refused = send_with_swaks(gateway.smtp_port, "alice@sender.test", "bob@example.test")
    assert refused.returncode != 0, transcript(refused)
    assert re.search(r"<\*\* 451 4\.3\.5 <bob@example\.test>: Recipient address rejected: "
                     r"Mail gateway policy service unavailable, try again later", refused.stdout), \
        transcript(refused)
    assert gateway.postfix.queue_ids() == []
    assert gateway.sink.messages() == []

    gateway.policy_daemon.start()
    retried = send_with_swaks(gateway.smtp_port, "alice@sender.test", "bob@example.test")
    assert retried.returncode == 0, transcript(retried)
    gateway.sink.wait_for_messages(1)


def test_daemons_start_and_mail_flows_while_redis_is_down(gateway):
    gateway.redis.stop()
    gateway.policy_daemon.restart()
    gateway.milter_daemon.restart()
    for daemon in (gateway.policy_daemon, gateway.milter_daemon):
        daemon.wait_for_log(r"event=redis_unavailable server=127\.0\.0\.1:\d+ reason=")
    result = send_with_swaks(gateway.smtp_port, "alice@sender.test", "bob@example.test")
    assert result.returncode == 0, transcript(result)
    [received] = gateway.sink.wait_for_messages(1)
    assert received.message["X-Mailgate-Id"]
    assert gateway.policy_daemon.is_running() and gateway.milter_daemon.is_running()


def test_a_redis_outage_and_its_end_are_logged_while_mail_keeps_flowing(gateway_factory):
    gateway = gateway_factory(extra_config={"redis": {"health_check_interval_s": 1}})
    daemons = (gateway.policy_daemon, gateway.milter_daemon)
    position = {daemon: daemon.log_position() for daemon in daemons}
    gateway.redis.stop()
    for daemon in daemons:
        daemon.wait_for_log(r"level=warning event=redis_unavailable ", since=position[daemon])
    during = send_with_swaks(gateway.smtp_port, "alice@sender.test", "bob@example.test")
    assert during.returncode == 0, transcript(during)

    gateway.redis.start()
    for daemon in daemons:
        daemon.wait_for_log(r"level=info event=redis_available ", since=position[daemon])
        # One warning per outage, not one per failed PING.
        assert daemon.log_text(since=position[daemon]).count("event=redis_unavailable") == 1
    after = send_with_swaks(gateway.smtp_port, "alice@sender.test", "bob@example.test")
    assert after.returncode == 0, transcript(after)
    gateway.sink.wait_for_messages(2)


def test_A1_the_milter_works_over_a_tcp_socket_too(gateway_factory):
    gateway = gateway_factory(milter_transport="inet")
    assert gateway.milter_daemon.socket_spec.startswith("inet:")
    result = send_with_swaks(gateway.smtp_port, "alice@sender.test", "bob@example.test")
    assert result.returncode == 0, transcript(result)
    [received] = gateway.sink.wait_for_messages(1)
    assert MAILGATE_ID.match(received.message["X-Mailgate-Id"])


def test_A1_a_large_8bit_message_with_long_headers_arrives_byte_for_byte(gateway):
    long_subject = "Subject: " + " ".join(f"word{i}" for i in range(2000))
    folded = "\r\n ".join(long_subject[i:i + 900] for i in range(0, len(long_subject), 900))
    body_lines = [bytes(range(0x80, 0x100)).decode("latin-1") * 3] * 2000 + ["." * 998, "..leading dot"]
    body = "\r\n".join(body_lines)
    message = ("From: alice@sender.test\r\nTo: bob@example.test\r\n"
               "Message-Id: <large@sender.test>\r\n"
               f"{folded}\r\nContent-Type: text/plain; charset=iso-8859-1\r\n"
               "Content-Transfer-Encoding: 8bit\r\n\r\n" + body + "\r\n")
    # smtplib dot-stuffs exactly as RFC 5321 says (swaks sends a data file as it is).
    with smtplib.SMTP("127.0.0.1", gateway.smtp_port, timeout=30) as client:
        client.ehlo("client.sender.test")
        client.sendmail("alice@sender.test", ["bob@example.test"], message.encode("latin-1"))
    [received] = gateway.sink.wait_for_messages(1, timeout=30)
    sent_body = message.encode("latin-1").split(b"\r\n\r\n", 1)[1]
    received_body = received.raw.split(b"\r\n\r\n", 1)[1]
    assert received_body == sent_body, "the body must pass through unchanged"
    assert received.raw.count(b"X-Mailgate-Id: ") == 1
    decision = gateway.milter_daemon.wait_for_log(r"event=message_decision .*").group(0)
    assert f"body_bytes={len(sent_body)}" in decision, decision
