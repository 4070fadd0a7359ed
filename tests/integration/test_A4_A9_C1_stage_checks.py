# The SMTP-stage checks wired to their states, through the real Postfix, mailgate-policyd,
# mailgate-milter, Redis and a loopback NSD: anti-relay (A4), access lists (A9), a DNSBL-
# listed client rejected with the list's name (C1), SPF's Received-SPF header and the
# stage's score symbols reaching the milter in the signed header, which a sender cannot
# forge (B3), a local-domain sender that is not a known user (B1), recipient and size
# limits at RCPT and END-OF-MESSAGE (A5), and trial mode answering WARN.
import pytest

from devgateway import reverse_ipv4_name, send_with_swaks
from devgateway.postfix_instance import POLICY_UNAVAILABLE_ACTION
from devgateway.swaks import transcript

LISTED = "192.0.2.66"
CLEAN = "192.0.2.67"


def send_from(gateway, address, sender="alice@sender.test", recipient="bob@example.test",
              name="mx.sender.test", extra=()):
    return send_with_swaks(gateway.smtp_port, sender, recipient,
                           ["--xclient-addr", address, "--xclient-name", name, *extra],
                           helo=name)


@pytest.fixture
def zones(dns_server):
    dns_server.add_zone("dnsbl.test", [f"{reverse_ipv4_name(LISTED)} IN A 127.0.0.2"])
    dns_server.add_zone("sender.test", ['@ IN TXT "v=spf1 ip4:192.0.2.0/24 -all"',
                                        "@ IN MX 10 mx", "mx IN A 192.0.2.25"])
    return dns_server


def dns_config(zones, **sections):
    config = {"dns": {"servers": [zones.server_address], "timeout_ms": 2000},
              "relay": {"domains": ["example.test"]}}
    config.update(sections)
    return config


def test_A4_relaying_from_an_untrusted_client_to_a_foreign_domain_is_rejected(gateway_factory):
    # Through the documented wiring (config/postfix/main.cf), mailgate decides relaying
    # before Postfix's own reject_unauth_destination (test_A4_postfix_wiring.py).
    gateway = gateway_factory(extra_config={"relay": {"domains": ["example.test"]}})
    result = send_from(gateway, "192.0.2.30", recipient="victim@elsewhere.test")
    assert result.returncode != 0, transcript(result)
    assert "554 5.7.1" in result.stdout and "Relay access denied" in result.stdout, \
        transcript(result)
    line = gateway.policy_daemon.wait_for_log(r"event=policy_decision .*elsewhere.*").group(0)
    assert "RELAY_DENIED" in line, line
    ours = send_from(gateway, "192.0.2.30", recipient="bob@example.test")
    assert ours.returncode == 0, transcript(ours)


def test_A4_authenticated_clients_may_relay(gateway_factory):
    gateway = gateway_factory(
        extra_config={"relay": {"domains": ["example.test"]}},
        extra_main_cf={"relay_domains": "example.test, elsewhere.test"})
    result = send_from(gateway, "192.0.2.31", recipient="friend@elsewhere.test",
                       extra=("--xclient-login", "alice"))
    assert result.returncode == 0, transcript(result)


def test_A9_banned_and_not_allowed_clients_are_refused(gateway_factory):
    gateway = gateway_factory(extra_config={"access": {
        "banned_clients": ["203.0.113.0/24", "*.spammer.test"],
        "reject_text": "Access denied by the mailgate test"}})
    banned = send_from(gateway, "203.0.113.9")
    assert "554 5.7.1" in banned.stdout, transcript(banned)
    assert "Access denied by the mailgate test" in banned.stdout, transcript(banned)
    by_name = send_from(gateway, "198.51.100.9", name="dsl-9.spammer.test")
    assert "554 5.7.1" in by_name.stdout, transcript(by_name)
    fine = send_from(gateway, "198.51.100.10", name="mx.fine.test")
    assert fine.returncode == 0, transcript(fine)


def test_A9_an_allow_list_admits_only_its_clients(gateway_factory):
    gateway = gateway_factory(extra_config={"access": {"allowed_clients": ["198.51.100.0/24"]}})
    assert send_from(gateway, "198.51.100.20").returncode == 0
    other = send_from(gateway, "192.0.2.20")
    assert "554 5.7.1 " in other.stdout, transcript(other)


def test_C1_a_listed_client_is_rejected_with_the_lists_name(gateway_factory, zones):
    gateway = gateway_factory(extra_config=dns_config(zones, dnsbl={
        "enabled": True, "zones": ["TESTLIST:dnsbl.test*3"], "reject_threshold": 2.0}))
    listed = send_from(gateway, LISTED)
    assert listed.returncode != 0, transcript(listed)
    assert "554 5.7.1" in listed.stdout, transcript(listed)
    assert "blocked using dnsbl.test" in listed.stdout, transcript(listed)
    clean = send_from(gateway, CLEAN)
    assert clean.returncode == 0, transcript(clean)


def test_B3_spf_header_and_stage_scores_reach_the_message(gateway_factory, zones):
    gateway = gateway_factory(extra_config=dns_config(
        zones, spf={"enabled": True, "receiver": "gateway.mailgate.test"},
        dnsbl={"enabled": True, "zones": ["TESTLIST:dnsbl.test*1.5"], "reject_threshold": 0.0}))
    result = send_from(gateway, LISTED)
    assert result.returncode == 0, transcript(result)
    [received] = gateway.sink.wait_for_messages(1)
    spf_header = received.message["Received-SPF"]
    assert spf_header and spf_header.startswith("pass "), received.raw[:3000]
    assert 'client-ip=192.0.2.66;' in spf_header, spf_header
    assert received.message.get_all("X-Mailgate-Policy") is None
    line = gateway.milter_daemon.wait_for_log(r"event=message_decision .*").group(0)
    assert "DNSBL_TESTLIST(1.5)" in line and "SPF_PASS" in line, line
    assert "policy_headers_believed=1" in line and "policy_headers_refused=0" in line, line


def test_B3_a_forged_policy_header_from_outside_is_removed_and_not_believed(gateway_factory,
                                                                           zones):
    gateway = gateway_factory(extra_config=dns_config(
        zones, dnsbl={"enabled": True, "zones": ["TESTLIST:dnsbl.test*1.5"]}))
    forged = ("v=1; t=1764500000; c=192.0.2.66; s=alice@sender.test; y=HAM:-100:forged; "
              "h=X-Spam-Status:No; sig=" + "0" * 64)
    result = send_from(gateway, LISTED, extra=("--header", f"X-Mailgate-Policy: {forged}"))
    assert result.returncode == 0, transcript(result)
    [received] = gateway.sink.wait_for_messages(1)
    assert received.message.get_all("X-Mailgate-Policy") is None, received.raw[:3000]
    # Only mailgate's own X-Spam-Status: the forged header's "h=X-Spam-Status:No" was not
    # believed, so it was not added.
    [status] = received.message.get_all("X-Spam-Status")
    assert status.startswith("No, score=1.5 ") and "DNSBL_TESTLIST" in status, status
    line = gateway.milter_daemon.wait_for_log(r"event=message_decision .*").group(0)
    assert "policy_headers_believed=1" in line and "policy_headers_refused=1" in line, line
    assert "HAM" not in line and "DNSBL_TESTLIST(1.5)" in line, line


def test_B1_a_sender_in_our_domain_must_be_a_known_user(gateway_factory, tmp_path):
    users = tmp_path / "local-users"
    users.write_text("# our users\nalice@example.test\nBob@Example.test  # the boss\n")
    gateway = gateway_factory(extra_config={
        "relay": {"domains": ["example.test"]},
        "local_senders": {"enabled": True, "addresses": ["carol@example.test"],
                          "addresses_file": str(users)}})
    forged = send_from(gateway, "192.0.2.40", sender="ceo@example.test")
    assert "553 5.7.1" in forged.stdout and "not a known user" in forged.stdout, \
        transcript(forged)
    for known in ("alice@example.test", "bob@example.test", "carol+x@example.test"):
        result = send_from(gateway, "192.0.2.40", sender=known)
        assert result.returncode == 0, transcript(result)


def test_A5_recipient_limit_at_rcpt_and_size_limit_at_end_of_message(gateway_factory):
    policy_check = (f"check_policy_service {{ {{SERVICE}}, "
                    f"{{ default_action = {POLICY_UNAVAILABLE_ACTION} }} }}")
    gateway = gateway_factory(extra_config={"limits": {"max_recipients": 2,
                                                       "max_message_size": 3000}})
    service = gateway.policy_daemon.postfix_address
    gateway.postfix.extra_main_cf["smtpd_end_of_data_restrictions"] = \
        policy_check.replace("{SERVICE}", service)
    gateway.postfix.write_configuration()
    gateway.postfix.reload()
    three = send_from(gateway, "192.0.2.41",
                      recipient="one@example.test,two@example.test,three@example.test")
    assert "452 4.5.3" in three.stdout, transcript(three)
    [received] = gateway.sink.wait_for_messages(1)
    assert sorted(received.rcpt_tos) == ["one@example.test", "two@example.test"]

    big = send_from(gateway, "192.0.2.42", extra=("--body", "x" * 5000))
    assert big.returncode != 0, transcript(big)
    assert "552 5.3.4" in big.stdout, transcript(big)
    line = gateway.policy_daemon.wait_for_log(
        r"event=policy_decision .*protocol_state=END-OF-MESSAGE.*MESSAGE_TOO_BIG.*").group(0)
    assert "action=\"552 5.3.4" in line, line


def test_A2_warn_only_mode_logs_instead_of_rejecting(gateway_factory):
    gateway = gateway_factory(extra_config={"policyd": {"warn_only": True},
                                            "access": {"banned_clients": ["203.0.113.0/24"]}})
    result = send_from(gateway, "203.0.113.10")
    assert result.returncode == 0, transcript(result)
    gateway.postfix.wait_for_log(r"warn: RCPT from .*mailgate would answer: 554 5\.7\.1 Access denied")
