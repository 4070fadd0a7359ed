# C14: greylisting through the real Postfix, mailgate-policyd, mailgate-milter and Redis.
# swaks presents Internet clients with XCLIENT (address, name, HELO, SASL login). Proves:
# the first attempt is deferred with 450 4.7.1 and the reason, the retry after the (test-
# shortened) delay is delivered with X-Greylist (carried by the signed policy header to
# the milter), an auto-whitelisted client network passes at once, whitelisted recipients
# and authenticated clients pass, and with Redis stopped mail still flows and nothing
# hangs. `mailgatectl greylist` lists, shows and removes what Redis holds.
import json
import time

import pytest

from devgateway import run_mailgatectl, send_with_swaks
from devgateway.swaks import transcript

DELAY = 2


def greylisting(**overrides):
    settings = {"enabled": True, "delay_s": DELAY, "origin_whitelist_after": 0,
                "origin_whitelist_interval_s": 0}
    settings.update(overrides)
    return {"greylist": settings, "relay": {"domains": ["example.test"]}}


def send_from(gateway, address, sender="alice@sender.test", recipient="bob@example.test",
              name="mx.sender.test", extra=()):
    return send_with_swaks(gateway.smtp_port, sender, recipient,
                           ["--xclient-addr", address, "--xclient-name", name,
                            "--header", f"Subject: greylisting test from {address}", *extra],
                           helo=name)


def retry_after_delay():
    time.sleep(DELAY + 0.5)


@pytest.fixture
def greylisting_gateway(gateway_factory):
    return gateway_factory(extra_config=greylisting())


def test_C14_first_attempt_is_deferred_and_the_retry_after_the_delay_is_delivered(
        greylisting_gateway):
    gateway = greylisting_gateway
    first = send_from(gateway, "192.0.2.50")
    assert first.returncode != 0, transcript(first)
    assert "450 4.7.1" in first.stdout, transcript(first)
    assert "Greylisted, please try again in 2 seconds" in first.stdout, transcript(first)
    deferred = gateway.policy_daemon.wait_for_log(r"event=policy_decision .*greylist=new.*")
    assert "action=\"DEFER_IF_PERMIT Greylisted" in deferred.group(0), deferred.group(0)

    early = send_from(gateway, "192.0.2.51")  # the same /24, so the same triplet, too early
    assert "450 4.7.1" in early.stdout, transcript(early)

    retry_after_delay()
    retried = send_from(gateway, "192.0.2.50")
    assert retried.returncode == 0, transcript(retried)
    [received] = gateway.sink.wait_for_messages(1)
    greylist_header = received.message["X-Greylist"]
    assert greylist_header and greylist_header.startswith("delayed "), received.raw[:3000]
    assert "seconds by mailgate-" in greylist_header, greylist_header
    # The policy daemon's signed header carried it; the milter removed that header.
    assert received.message.get_all("X-Mailgate-Policy") is None, received.raw[:3000]
    line = gateway.milter_daemon.wait_for_log(r"event=message_decision .*").group(0)
    assert "policy_headers_believed=1" in line and "GREYLIST_PASSED" in line, line

    # Known from now on: the next message of the triplet passes without a new header.
    again = send_from(gateway, "192.0.2.50")
    assert again.returncode == 0, transcript(again)
    second = gateway.sink.wait_for_messages(2)[1]
    assert second.message["X-Greylist"] is None, second.raw[:3000]


def test_C14_a_rotating_bulk_sender_still_finds_its_triplet(greylisting_gateway):
    gateway = greylisting_gateway
    first = send_from(gateway, "192.0.2.60", sender="bounce-1234-bob=example.test@bulk.test")
    assert "450 4.7.1" in first.stdout, transcript(first)
    retry_after_delay()
    retried = send_from(gateway, "192.0.2.60", sender="bounce-5678-bob=example.test@bulk.test")
    assert retried.returncode == 0, transcript(retried)


def test_C14_an_auto_whitelisted_client_network_passes_at_once(gateway_factory):
    gateway = gateway_factory(extra_config=greylisting(origin_whitelist_after=2))
    for recipient in ("one@example.test", "two@example.test"):
        deferred = send_from(gateway, "198.51.100.7", recipient=recipient)
        assert "450 4.7.1" in deferred.stdout, transcript(deferred)
    retry_after_delay()
    for recipient in ("one@example.test", "two@example.test"):
        passed = send_from(gateway, "198.51.100.7", recipient=recipient)
        assert passed.returncode == 0, transcript(passed)
    # A new triplet from another address of the same network: no deferral any more.
    fresh = send_from(gateway, "198.51.100.99", sender="carol@other.test",
                      recipient="three@example.test")
    assert fresh.returncode == 0, transcript(fresh)
    gateway.policy_daemon.wait_for_log(
        r"event=policy_decision .*recipient=three@example\.test.*greylist=whitelisted")


def test_C14_whitelisted_recipients_and_clients_pass_at_once(gateway_factory):
    gateway = gateway_factory(extra_config=greylisting(
        whitelist_clients=["trusted-partner.test"],
        whitelist_recipients=["postmaster@", "sales@example.test"]))
    for recipient in ("postmaster@example.test", "sales+leads@example.test"):
        result = send_from(gateway, "203.0.113.5", recipient=recipient)
        assert result.returncode == 0, transcript(result)
    partner = send_from(gateway, "203.0.113.6", name="mx1.trusted-partner.test")
    assert partner.returncode == 0, transcript(partner)
    gateway.policy_daemon.wait_for_log(r"greylist=skipped greylist_detail=\"client entry")
    stranger = send_from(gateway, "203.0.113.7", recipient="bob@example.test")
    assert "450 4.7.1" in stranger.stdout, transcript(stranger)


def test_C14_authenticated_clients_are_never_greylisted(greylisting_gateway):
    gateway = greylisting_gateway
    result = send_from(gateway, "192.0.2.70", extra=("--xclient-login", "alice"))
    assert result.returncode == 0, transcript(result)
    line = gateway.policy_daemon.wait_for_log(r"event=policy_decision .*sasl_username=alice.*")
    assert 'greylist_detail="authenticated client"' in line.group(0), line.group(0)


def test_C14_with_redis_stopped_mail_still_flows_and_nothing_hangs(greylisting_gateway):
    gateway = greylisting_gateway
    deferred = send_from(gateway, "192.0.2.80")
    assert "450 4.7.1" in deferred.stdout, transcript(deferred)
    gateway.redis.stop()
    started = time.monotonic()
    result = send_from(gateway, "192.0.2.81", sender="dave@sender.test")
    assert result.returncode == 0, transcript(result)
    line = gateway.policy_daemon.wait_for_log(
        r"event=policy_decision .*sender=dave@sender\.test.*").group(0)
    assert "greylist=store_failed" in line and "redis unavailable" in line, line
    assert "greylist_store_failures=" in line, line
    # Generous bound: a hang would be Postfix's 5 s policy timeout per recipient and retry.
    assert time.monotonic() - started < 20
    gateway.sink.wait_for_messages(1)
    gateway.redis.start()


def test_C14_tempfail_policy_defers_while_redis_is_down(gateway_factory):
    gateway = gateway_factory(extra_config=greylisting(on_redis_failure="tempfail"))
    gateway.redis.stop()
    result = send_from(gateway, "192.0.2.90")
    assert result.returncode != 0, transcript(result)
    assert "451 4.3.0" in result.stdout, transcript(result)
    assert "Greylisting is temporarily unavailable" in result.stdout, transcript(result)
    gateway.redis.start()


def greylist_command(gateway, *arguments):
    return run_mailgatectl("--config", gateway.policy_daemon.config_path, "greylist",
                           *arguments)


def test_C14_mailgatectl_greylist_lists_shows_and_removes(gateway_factory):
    gateway = gateway_factory(extra_config=greylisting(origin_whitelist_after=1))
    deferred = send_from(gateway, "192.0.2.100", recipient="erin@example.test")
    assert "450 4.7.1" in deferred.stdout, transcript(deferred)

    listed = greylist_command(gateway, "list", "--json")
    assert listed.returncode == 0, listed.stdout + listed.stderr
    [entry] = [json.loads(line) for line in listed.stdout.splitlines()]
    assert entry["origin"] == "192.0.2.0/24" and entry["recipient"] == "erin@example.test"
    assert entry["sender"] == "alice@sender.test" and entry["state"] == "waiting"
    assert 0 < entry["ttl_s"] <= 172800

    shown = greylist_command(gateway, "show", "--client", "192.0.2.100", "--sender",
                             "Alice@Sender.test", "--recipient", "erin@example.test")
    assert shown.returncode == 0, shown.stdout + shown.stderr
    assert "state=waiting" in shown.stdout, shown.stdout

    retry_after_delay()
    passed = send_from(gateway, "192.0.2.100", recipient="erin@example.test")
    assert passed.returncode == 0, transcript(passed)
    clients = greylist_command(gateway, "clients")
    assert "192.0.2.0/24 deliveries=1 whitelisted=yes" in clients.stdout, clients.stdout

    removed = greylist_command(gateway, "remove-client", "192.0.2.7")
    assert removed.returncode == 0 and "removed 2 keys" in removed.stdout, removed.stdout
    assert greylist_command(gateway, "list").stdout.strip() == ""
    again = send_from(gateway, "192.0.2.100", recipient="erin@example.test")
    assert "450 4.7.1" in again.stdout, transcript(again)

    missing = greylist_command(gateway, "show", "--client", "192.0.2.1", "--sender",
                               "x@y.test", "--recipient", "z@example.test")
    assert missing.returncode == 1 and "no such triplet" in missing.stdout, missing.stdout
    usage = greylist_command(gateway, "frobnicate")
    assert usage.returncode == 2
