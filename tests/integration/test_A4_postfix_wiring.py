# The Postfix wiring a postmaster copies (config/postfix/main.cf and master.cf, shown in
# docs/postfix-integration.md) is the one every test instance runs: here, through exactly
# that wiring, a relay attempt is refused by mailgate itself (554, logged as its
# decision), Postfix's own reject_unauth_destination still refuses relaying when
# mailgate's check is off (the second lock), and the policy service is asked exactly
# once per recipient (twice would make greylisting count every attempt twice).
import re
from pathlib import Path

from devgateway import send_with_swaks
from devgateway.postfix_instance import documented_main_cf
from devgateway.swaks import transcript

REPOSITORY = Path(__file__).resolve().parents[2]
INTERNET_CLIENT = "192.0.2.30"


def send_from_the_internet(gateway, recipient, sender="alice@sender.test"):
    return send_with_swaks(gateway.smtp_port, sender, recipient,
                           ["--xclient-addr", INTERNET_CLIENT, "--xclient-name", "mx.sender.test"],
                           helo="mx.sender.test")


def decisions(gateway, state):
    return [line for line in gateway.policy_daemon.log_text().splitlines()
            if "event=policy_decision" in line and f"protocol_state={state}" in line]


def test_A4_a_relay_attempt_through_the_documented_wiring_is_refused_by_mailgate(gateway_factory):
    gateway = gateway_factory(extra_config={"relay": {"domains": ["example.test"]}})
    # The instance runs the documented lines, not a variant of them.
    main_cf = (gateway.postfix.config_directory / "main.cf").read_text()
    documented = documented_main_cf()
    for name in ("smtpd_relay_restrictions", "smtpd_recipient_restrictions", "smtpd_milters",
                 "milter_default_action", "relay_transport"):
        assert f"{name} = {documented[name]}\n" in main_cf, name

    result = send_from_the_internet(gateway, "victim@elsewhere.test")

    assert result.returncode != 0, transcript(result)
    # "Recipient address rejected:" is how Postfix quotes a policy service's REJECT;
    # its own reject_unauth_destination says "<address>: Relay access denied" alone.
    assert re.search(r"554 5\.7\.1 <victim@elsewhere\.test>: Recipient address rejected: "
                     r"Relay access denied", result.stdout), transcript(result)
    line = gateway.policy_daemon.wait_for_log(
        r"event=policy_decision [^\n]*recipient=victim@elsewhere\.test[^\n]*").group(0)
    assert "action=\"554 5.7.1 " in line, line
    assert "RELAY_DENIED" in line, line
    # Mail for our own domain from the same client goes through the same wiring.
    ours = send_from_the_internet(gateway, "bob@example.test")
    assert ours.returncode == 0, transcript(ours)
    assert gateway.sink.wait_for_messages(1)


def test_A4_postfix_still_refuses_relaying_when_mailgate_lets_it_pass(gateway_factory):
    gateway = gateway_factory(extra_config={"relay": {"domains": ["example.test"],
                                                      "check": False}})
    result = send_from_the_internet(gateway, "victim@elsewhere.test")
    assert result.returncode != 0, transcript(result)
    assert "554 5.7.1 <victim@elsewhere.test>: Relay access denied" in result.stdout, \
        transcript(result)
    assert "Recipient address rejected" not in result.stdout, transcript(result)
    [line] = [line for line in decisions(gateway, "RCPT") if "victim@elsewhere.test" in line]
    assert "RELAY_DENIED" not in line, line


def test_A2_the_policy_service_is_asked_exactly_once_per_recipient(gateway_factory):
    gateway = gateway_factory(extra_config={"relay": {"domains": ["example.test"]}})
    result = send_from_the_internet(gateway, "bob@example.test,carol@example.test")
    assert result.returncode == 0, transcript(result)
    [received] = gateway.sink.wait_for_messages(1)
    assert sorted(received.rcpt_tos) == ["bob@example.test", "carol@example.test"]
    rcpt = decisions(gateway, "RCPT")
    assert len(rcpt) == 2, "\n".join(rcpt)
    assert {re.search(r"recipient=(\S+)", line).group(1) for line in rcpt} == {
        "bob@example.test", "carol@example.test"}


def test_A1_the_documented_wiring_is_what_the_docs_show():
    page = (REPOSITORY / "docs" / "postfix-integration.md").read_text()
    for name in ("main.cf", "master.cf"):
        text = (REPOSITORY / "config" / "postfix" / name).read_text()
        assert f"```\n{text}```" in page, f"docs/postfix-integration.md must show config/postfix/{name}"
