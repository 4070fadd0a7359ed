# C2: URI DNS lists through a real DNS server. NSD on a loopback port serves a test URI
# list zone (uribl.test) written here; `mailgatectl scan` and a real mailgate-milter run
# the content stage with [uri_lists] pointed at it (their resolver built from [dns] only
# because a content check asks DNS). Proves: a listed domain gives URIBL_<LABEL> with the
# domain in its detail, an unlisted one gives nothing, bitmask return codes, addresses
# asked reversed, a DNS server that is down or silent is never "listed" (URIBL_UNAVAILABLE,
# score 0, within the deadline), and the milter gives the same symbols as scan.
import json
import time

import pytest

from devgateway import (MilterClient, MilterDaemon, SilentDnsServer, make_subdirectory,
                        run_mailgatectl)
from devgateway.milter_client import split_message

CLIENT = "192.0.2.44"


def message(body):
    return ("From: Shop <news@sender.test>\r\n"
            "To: bob@example.test\r\n"
            "Subject: this week's offers\r\n"
            "Message-ID: <c2@sender.test>\r\n"
            "Content-Type: text/html; charset=utf-8\r\n"
            "\r\n"
            f"<html><body>{body}</body></html>\r\n").encode()


def uri_config(dns_server, zones, timeout_ms=1000):
    return {"dns": {"servers": [dns_server], "timeout_ms": 2000},
            "uri_lists": {"enabled": True, "zones": list(zones), "timeout_ms": timeout_ms}}


def write_config(directory, settings):
    lines = []
    for section, values in settings.items():
        lines.append(f"[{section}]")
        for key, value in values.items():
            lines.append(f"{key} = {json.dumps(value)}")
    path = directory / "mailgate.toml"
    path.write_text("\n".join(lines) + "\n")
    return path


def scan(config, raw, tmp_path):
    path = tmp_path / "message.eml"
    path.write_bytes(raw)
    result = run_mailgatectl("--config", config, "scan", "--json", "--no-redis",
                             "--client-ip", CLIENT, path)
    assert result.returncode == 0, result.stdout + result.stderr
    [line] = result.stdout.splitlines()
    return json.loads(line), result.stderr


def symbols_of(decided):
    return {symbol["name"]: symbol for symbol in decided["symbols"]}


@pytest.fixture
def uri_zone(dns_server):
    """uribl.test: evil.example (127.0.0.2), phish.co.uk (127.0.0.8, the phishing bit),
    both (127.0.0.10), and the address 192.0.2.10 (reversed)."""
    dns_server.add_zone("uribl.test", [
        "evil.example IN A 127.0.0.2",
        "phish.co.uk IN A 127.0.0.8",
        "both.example IN A 127.0.0.10",
        "10.2.0.192 IN A 127.0.0.2",
        "misbehaving.example IN A 10.0.0.2",
    ])
    return dns_server


def test_C2_a_listed_domain_gives_the_zones_symbol(uri_zone, tmp_path):
    config = write_config(tmp_path, uri_config(uri_zone.server_address, ["TEST:uribl.test*3"]))
    decided, _ = scan(config, message(
        '<a href="https://www.evil.example/offer?id=1">Offer</a> '
        'and our shop at https://shop.sender.test/'), tmp_path)
    symbols = symbols_of(decided)
    assert "URIBL_TEST" in symbols, decided["symbols"]
    listed = symbols["URIBL_TEST"]
    assert listed["check"] == "uri_lists"
    assert listed["score"] == 3
    assert "evil.example (127.0.0.2, https://www.evil.example/offer?id=1)" in listed["detail"]
    assert "sender.test" not in listed["detail"]
    assert "URIBL_UNAVAILABLE" not in symbols


def test_C2_an_unlisted_domain_gives_nothing(uri_zone, tmp_path):
    config = write_config(tmp_path, uri_config(uri_zone.server_address, ["TEST:uribl.test*3"]))
    decided, _ = scan(config, message(
        '<a href="https://www.clean.example/">Read</a> http://misbehaving.example/'), tmp_path)
    names = [symbol["name"] for symbol in decided["symbols"]]
    assert not [name for name in names if name.startswith("URIBL_")], names


def test_C2_return_code_bitmasks_and_redirect_targets(uri_zone, tmp_path):
    config = write_config(tmp_path, uri_config(
        uri_zone.server_address, ["PHISH:uribl.test&0.0.0.8*4", "SPAM:uribl.test&0.0.0.2*2"]))
    # A redirector carrying the phishing domain in its query, and a domain with both bits.
    decided, _ = scan(config, message(
        '<a href="https://redirect.sender.test/out?url=https%3A%2F%2Flogin.phish.co.uk%2F">'
        'Log in</a> https://both.example/ https://evil.example/'), tmp_path)
    symbols = symbols_of(decided)
    assert "phish.co.uk" in symbols["URIBL_PHISH"]["detail"], decided["symbols"]
    assert "both.example" in symbols["URIBL_PHISH"]["detail"]
    assert "evil.example" not in symbols["URIBL_PHISH"]["detail"]
    assert "evil.example" in symbols["URIBL_SPAM"]["detail"]
    assert "phish.co.uk" not in symbols["URIBL_SPAM"]["detail"]


def test_C2_address_hosts_are_asked_reversed(uri_zone, tmp_path):
    config = write_config(tmp_path, uri_config(uri_zone.server_address, ["TEST:uribl.test"]))
    decided, _ = scan(config, message('<a href="http://3221225994/login">Log in</a>'), tmp_path)
    symbols = symbols_of(decided)
    assert "192.0.2.10" in symbols["URIBL_TEST"]["detail"], decided["symbols"]
    assert "URI_NUMERIC_HOST" in symbols  # the URL facts check names the trick


def test_C2_a_dns_server_that_is_down_is_never_listed(uri_zone, tmp_path):
    config = write_config(tmp_path, uri_config(uri_zone.server_address, ["TEST:uribl.test*3"]))
    uri_zone.stop()
    started = time.monotonic()
    decided, _ = scan(config, message('<a href="https://evil.example/">x</a>'), tmp_path)
    elapsed = time.monotonic() - started
    symbols = symbols_of(decided)
    assert "URIBL_TEST" not in symbols, decided["symbols"]
    assert symbols["URIBL_UNAVAILABLE"]["score"] == 0
    assert "never counted as listed" in symbols["URIBL_UNAVAILABLE"]["detail"]
    assert elapsed < 1 + 5, elapsed


def test_C2_a_silent_dns_server_costs_only_the_deadline(tmp_path):
    with SilentDnsServer() as silent:
        config = write_config(tmp_path, uri_config(silent.server_address, ["TEST:uribl.test*3"],
                                                   timeout_ms=500))
        started = time.monotonic()
        decided, _ = scan(config, message('<a href="https://evil.example/">x</a>'), tmp_path)
        elapsed = time.monotonic() - started
        assert silent.udp_queries_received >= 1
    symbols = symbols_of(decided)
    assert "URIBL_TEST" not in symbols
    assert "no answer within 500 ms" in symbols["URIBL_UNAVAILABLE"]["detail"], decided["symbols"]
    assert elapsed < 0.5 + 4, elapsed


def send_to_milter(daemon, raw, queue_id):
    with MilterClient(daemon.socket_spec) as client:
        client.negotiate()
        assert client.connect(address=CLIENT)[0] == "continue"
        assert client.helo()[0] == "continue"
        assert client.mail("news@sender.test")[0] == "continue"
        assert client.rcpt("bob@example.test")[0] == "continue"
        assert client.data(queue_id=queue_id)[0] == "continue"
        fields, body = split_message(raw)
        for name, value in fields:
            client.header(name, value)
        assert client.end_of_headers()[0] == "continue"
        client.body(body)
        client.end_of_message(queue_id=queue_id)
    return daemon.wait_for_log(rf"event=message_decision queue_id={queue_id} [^\n]*").group(0)


def start_milter(request, server_directory, redis_server, name, settings):
    daemon = MilterDaemon(make_subdirectory(server_directory, name), redis_server,
                          log_level="info", extra_config=settings)
    daemon.start()
    request.addfinalizer(daemon.stop)
    return daemon


def test_C2_the_milter_asks_the_lists_like_scan(request, uri_zone, server_directory,
                                                redis_server, tmp_path):
    settings = uri_config(uri_zone.server_address, ["TEST:uribl.test*3"])
    daemon = start_milter(request, server_directory, redis_server, "milter", settings)
    raw = message('<a href="https://www.evil.example/offer">Offer</a>')
    line = send_to_milter(daemon, raw, "C2LISTED")
    assert "URIBL_TEST(3)" in line, line
    assert "URIBL_UNAVAILABLE" not in line
    clean = send_to_milter(daemon, message('<a href="https://clean.example/">x</a>'), "C2CLEAN")
    assert "URIBL_" not in clean, clean
    decided, _ = scan(daemon.config_path, raw, tmp_path)
    assert "URIBL_TEST" in symbols_of(decided)
    assert daemon.sanitizer_reports() == []


def test_C2_the_milter_with_its_dns_server_down_accepts_and_counts(request, uri_zone,
                                                                   server_directory,
                                                                   redis_server):
    settings = uri_config(uri_zone.server_address, ["TEST:uribl.test*9"], timeout_ms=500)
    daemon = start_milter(request, server_directory, redis_server, "milter", settings)
    uri_zone.stop()
    line = send_to_milter(daemon, message('<a href="https://evil.example/">x</a>'), "C2DOWN")
    assert "URIBL_UNAVAILABLE(0)" in line, line
    assert "URIBL_TEST" not in line
    assert " action=accept" in line
