# B3: SPF as a postmaster uses it, through a real DNS server (NSD on loopback) and
# mailgate's own resolver: `mailgatectl spf` for records longer than 255 bytes (several
# TXT strings), IPv6 clients, malformed records, a DNS server that never answers
# (temperror within the deadline, never fail); `mailgatectl check-client` for the check's
# decisions: the Received-SPF header, the 550 5.7.23 reject with the domain's
# explanation, scoring only, and no SPF for authenticated clients or our own MX hosts.
# The RFC 7208 conformance suite itself is test_B3_spf_rfc7208_suite.py.
import re
import time

import pytest

from devgateway import SilentDnsServer, make_subdirectory, run_mailgatectl, txt_record

LONG_RECORD = ("v=spf1 " + " ".join(f"ip4:198.51.{n}.0/24" for n in range(40)) +
               " ip4:192.0.2.0/24 ip6:2001:db8:25::/48 -all")


@pytest.fixture
def spf_zones(dns_server):
    assert len(LONG_RECORD.encode()) > 600
    dns_server.add_zone("example.test", [
        txt_record("long", LONG_RECORD),
        '@ IN TXT "v=spf1 mx a:relay.example.test -all exp=why.example.test"',
        '@ IN MX 10 mx',
        "mx IN A 192.0.2.25",
        "mx IN AAAA 2001:db8::25",
        "relay IN A 203.0.113.7",
        'why IN TXT "%{c} is not allowed to send mail as %{s}"',
        'broken IN TXT "v=spf1 ip4:192.0.2.300 -all"',
        'two IN TXT "v=spf1 -all"',
        'two IN TXT "v=spf1 +all"',
        'soft IN TXT "v=spf1 ~all"',
        'slow IN TXT "v=spf1 include:never.silent.test -all"',
    ])
    return dns_server


def spf(dns, ip, sender, helo="client.example.org", *extra):
    completed = run_mailgatectl("spf", "--ip", ip, "--sender", sender, "--helo", helo,
                                "--dns", dns, "--receiver", "gw.test", *extra)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    lines = completed.stdout.splitlines()
    assert len(lines) == 3, completed.stdout
    assert lines[2].startswith("Received-SPF: "), completed.stdout
    return lines


def test_B3_spf_record_split_into_several_txt_strings(spf_zones):
    address = spf_zones.server_address
    assert spf(address, "192.0.2.9", "a@long.example.test")[0] == "pass"
    assert spf(address, "198.51.39.1", "a@long.example.test")[0] == "pass"
    assert spf(address, "2001:db8:25::1", "a@long.example.test")[0] == "pass"
    assert spf(address, "203.0.113.1", "a@long.example.test")[0] == "fail"


def test_B3_spf_ipv6_client_matches_mx_by_aaaa(spf_zones):
    result, reason, header = spf(spf_zones.server_address, "2001:db8::25", "a@example.test")
    assert (result, reason) == ("pass", "matched mx")
    assert 'client-ip="2001:db8::25";' in header
    result, explanation, _ = spf(spf_zones.server_address, "2001:db8::26", "a@example.test")
    assert result == "fail"
    assert explanation == "2001:db8::26 is not allowed to send mail as a@example.test"


def test_B3_spf_malformed_and_duplicate_records_are_permerror(spf_zones):
    result, reason, header = spf(spf_zones.server_address, "192.0.2.9", "a@broken.example.test")
    assert result == "permerror"
    assert "192.0.2.300" in reason
    assert "problem=" in header
    result, reason, _ = spf(spf_zones.server_address, "192.0.2.9", "a@two.example.test")
    assert result == "permerror" and "more than one" in reason


def test_B3_spf_null_sender_checks_the_helo_name(spf_zones):
    result, _, header = spf(spf_zones.server_address, "192.0.2.25", "", "mx.example.test")
    assert result == "none"  # mx.example.test publishes no record
    assert 'envelope-from="";' in header
    result, _, _ = spf(spf_zones.server_address, "192.0.2.9", "", "long.example.test")
    assert result == "pass"


def test_B3_spf_silent_dns_server_is_temperror_within_the_deadline(spf_zones):
    with SilentDnsServer() as silent:
        started = time.monotonic()
        result, reason, header = spf(silent.server_address, "192.0.2.9", "a@example.test",
                                     "client.example.org", "--timeout-ms", "700")
        elapsed = time.monotonic() - started
    assert result == "temperror", reason
    assert "timed out" in reason
    assert header.startswith("Received-SPF: temperror ")
    # Not a timing assertion on speed: only that the command did not hang past its
    # deadline by more than process start-up can explain.
    assert elapsed < 0.7 + 5.0


def write_config(directory, dns, **spf_settings):
    lines = ["[dns]", f'servers = ["{dns}"]', "timeout_ms = 1000", "[spf]",
             'receiver = "gw.test"']
    for key, value in spf_settings.items():
        if isinstance(value, list):
            lines.append(f"{key} = [{', '.join(repr(item).replace(chr(39), chr(34)) for item in value)}]")
        elif isinstance(value, bool):
            lines.append(f"{key} = {str(value).lower()}")
        else:
            lines.append(f'{key} = "{value}"' if isinstance(value, str) else f"{key} = {value}")
    path = make_subdirectory(directory, "config") / "mailgate.toml"
    path.write_text("\n".join(lines) + "\n")
    return path


def check_client(config, *arguments):
    completed = run_mailgatectl("--config", config, "check-client", *arguments)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    decision = re.search(r'^decision=(\w+)(?: reply="([^"]*)")? score=(\S+)$',
                         completed.stdout, re.M)
    assert decision, completed.stdout
    symbols = dict(re.findall(r"^symbol check=spf name=(\S+) score=(\S+)", completed.stdout,
                              re.M))
    headers = re.findall(r"^header Received-SPF: (.*)$", completed.stdout, re.M)
    return decision.group(1), decision.group(2), symbols, headers


def test_B3_spf_fail_rejects_with_the_domains_explanation(spf_zones, server_directory):
    config = write_config(server_directory, spf_zones.server_address)
    decision, reply, symbols, headers = check_client(
        config, "--ip", "198.51.100.9", "--sender", "joe@example.test", "--helo", "x.example.org")
    assert decision == "reject"
    assert reply == ("550 5.7.23 SPF fail: 198.51.100.9 is not allowed to send mail as "
                     "joe@example.test")
    assert symbols == {"SPF_FAIL": "5"}
    assert headers and headers[0].startswith("fail (gw.test: domain of joe@example.test does "
                                             "not designate 198.51.100.9")


def test_B3_spf_scores_when_fail_is_not_a_reject_result(spf_zones, server_directory):
    config = write_config(server_directory, spf_zones.server_address, reject_results=[],
                          score_fail=4.5)
    decision, _, symbols, _ = check_client(
        config, "--ip", "198.51.100.9", "--sender", "joe@example.test", "--helo", "x.example.org")
    assert decision == "accept"
    assert symbols == {"SPF_FAIL": "4.5"}
    decision, _, symbols, headers = check_client(
        config, "--ip", "192.0.2.25", "--sender", "joe@example.test", "--helo", "x.example.org")
    assert (decision, symbols) == ("accept", {"SPF_PASS": "-0.5"})
    assert headers[0].startswith("pass ")
    decision, _, symbols, _ = check_client(
        config, "--ip", "192.0.2.25", "--sender", "joe@soft.example.test", "--helo", "x.org")
    assert (decision, symbols) == ("accept", {"SPF_SOFTFAIL": "2"})


def test_B3_spf_skips_authenticated_clients_and_our_own_mx(spf_zones, server_directory):
    config = write_config(server_directory, spf_zones.server_address,
                          own_mx_hosts=["203.0.113.0/28"])
    for extra in (["--ip", "198.51.100.9", "--authenticated", "joe"],
                  ["--ip", "198.51.100.9", "--trusted"],
                  ["--ip", "203.0.113.9"]):
        decision, _, symbols, headers = check_client(
            config, *extra, "--sender", "joe@example.test", "--helo", "x.example.org")
        assert decision == "accept", extra
        assert list(symbols) == ["SPF_SKIPPED"], extra
        assert headers == [], extra


def test_B3_spf_dns_failure_never_rejects(spf_zones, server_directory):
    with SilentDnsServer() as silent:
        config = write_config(server_directory, silent.server_address)
        decision, _, symbols, headers = check_client(
            config, "--ip", "198.51.100.9", "--sender", "joe@example.test", "--helo", "x.org",
            "--timeout-ms", "500")
        assert (decision, symbols) == ("accept", {"SPF_TEMPERROR": "0"})
        assert headers[0].startswith("temperror ")
        config = write_config(server_directory, silent.server_address,
                              temperror_action="tempfail")
        decision, reply, _, _ = check_client(
            config, "--ip", "198.51.100.9", "--sender", "joe@example.test", "--helo", "x.org",
            "--timeout-ms", "500")
        assert decision == "tempfail"
        assert reply.startswith("451 4.7.24 ")


def test_B3_spf_temperror_in_reject_results_is_a_config_error(server_directory):
    config = write_config(server_directory, "127.0.0.1:53", reject_results=["fail", "temperror"])
    completed = run_mailgatectl("check-config", config)
    assert completed.returncode != 0
    assert re.search(r"mailgate\.toml:\d+:\d+: spf\.reject_results: temperror cannot reject",
                     completed.stdout + completed.stderr), completed.stdout + completed.stderr
