# B4 header forensics and C9 phrases as a postmaster meets them: through the real Postfix,
# mailgate-policyd, mailgate-milter and the SMTP sink. The milter sees the Received field
# Postfix wrote for the connection, so the entry hop's facts are this client's (a client
# without reverse DNS draws RECEIVED_CLIENT_NO_RDNS, one with a name does not); forged
# mail-client fields and phrases show in X-Spam-Status; an edited phrase file takes effect
# at SIGHUP. Every check's own cases are golden data (test_B4_C2_C9_C11_heuristics_golden.py).
from devgateway import send_with_swaks
from devgateway.swaks import transcript

FORGED = ("--header", "X-Mailer: Microsoft Outlook Express 6.00.2600.0000",
          "--header", "Subject: Limited time offer",
          "--body", "Dear friend, this is a limited time offer. To be removed, reply.")


def send(gateway, client_name, extra=()):
    return send_with_swaks(gateway.smtp_port, "alice@sender.test", "bob@example.test",
                           ["--xclient-addr", "192.0.2.80", "--xclient-name", client_name,
                            *extra], helo="mx.sender.test")


def tests_of(message):
    [status] = message.get_all("X-Spam-Status")
    return status.split(" tests=")[1].split(" ")[0].split(",")


def test_B4_C9_forged_client_and_phrases_show_in_the_status(gateway_factory, tmp_path):
    phrases = tmp_path / "phrases.d"
    phrases.mkdir()
    (phrases / "10-local.toml").write_text(
        '[[phrase]]\ntext = "limited time offer"\nweight = 1.5\n'
        '[[phrase]]\nname = "removal"\npattern = \'\'\'to\\s+be\\s+removed\'\'\'\nwhere = "body"\n')
    gateway = gateway_factory(extra_config={"phrases": {"directory": str(phrases)}})
    result = send(gateway, "mx.sender.test", FORGED)
    assert result.returncode == 0, transcript(result)
    [received] = gateway.sink.wait_for_messages(1)
    tests = tests_of(received.message)
    for symbol in ("MAIL_CLIENT_FORGED_OUTLOOK", "PHRASE_LIMITED_TIME_OFFER", "PHRASE_REMOVAL"):
        assert symbol in tests, tests
    # Postfix's own Received field names the client with its name: not a pool, a real name.
    assert "RECEIVED_CLIENT_NO_RDNS" not in tests and "RECEIVED_HELO_NOT_A_NAME" not in tests
    line = gateway.milter_daemon.wait_for_log(r"event=message_decision .*").group(0)
    assert "PHRASE_LIMITED_TIME_OFFER" in line and "MAIL_CLIENT_FORGED_OUTLOOK" in line, line

    # An edited phrase file is read at the reload, like the rest of the config.
    (phrases / "10-local.toml").write_text('[[phrase]]\ntext = "dear friend"\nweight = 0.5\n')
    milter = gateway.milter_daemon
    position = milter.log_position()
    milter.reload()
    milter.wait_for_log(r"event=config_reloaded .*generation=2", since=position)
    result = send(gateway, "mx.sender.test", FORGED)
    assert result.returncode == 0, transcript(result)
    received = gateway.sink.wait_for_messages(2)[1]
    tests = tests_of(received.message)
    assert "PHRASE_DEAR_FRIEND" in tests, tests
    assert "PHRASE_LIMITED_TIME_OFFER" not in tests, tests


def test_B4_a_client_without_reverse_dns_is_seen_in_postfixs_received(gateway):
    result = send(gateway, "[UNAVAILABLE]", ("--header", "Subject: hello"))
    assert result.returncode == 0, transcript(result)
    [received] = gateway.sink.wait_for_messages(1)
    fields = received.message.get_all("Received")
    assert any("unknown [192.0.2.80]" in field for field in fields), fields
    # Whatever its weight, the symbol is in the milter's decision line.
    line = gateway.milter_daemon.wait_for_log(r"event=message_decision .*").group(0)
    assert "RECEIVED_CLIENT_NO_RDNS" in line, line
