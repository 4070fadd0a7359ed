# C1: DNS blacklists and whitelists through a real DNS server. NSD on a loopback port
# serves list zones written here; `mailgatectl dnsbl` runs the daemons' own DnsblCheck
# (libunbound, the zones' return codes and weights, the one deadline, the decision) and
# prints each zone's answer. Proves: RFC 5782 test points, IPv6 nibble names, exact and
# bitmask return codes (SpamAssassin's dnsbl test data), whitelist zones and networks,
# a list whose server never answers, REFUSED as a temporary error, malformed TXT reasons.
import json
import re
import time
from pathlib import Path

import pytest
import yaml

from devgateway import (SilentDnsServer, reverse_ipv4_name, reverse_ipv6_name,
                        run_mailgatectl, txt_record)

# ../shared beside the repository root, wherever the checkout is (CI clones elsewhere).
SPAMASSASSIN_DATA = (Path(__file__).resolve().parents[3] /
                     "shared/testdata/dnsbl/spamassassin-dnsbltest.yml")
IPV6_LISTED = "2001:db8::25"
IPV6_CLEAN = "2001:db8::26"


def write_config(directory, dns_server, zones=(), whitelist_zones=(), whitelist_networks=(),
                 reject_threshold=0, timeout_ms=1000, fetch_reasons=True):
    path = Path(directory) / "mailgate.toml"
    path.write_text(
        "[dns]\n"
        f"servers = {json.dumps([dns_server])}\n"
        "timeout_ms = 2000\n"
        "[dnsbl]\n"
        "enabled = true\n"
        f"zones = {json.dumps(list(zones))}\n"
        f"whitelist_zones = {json.dumps(list(whitelist_zones))}\n"
        f"whitelist_networks = {json.dumps(list(whitelist_networks))}\n"
        f"reject_threshold = {float(reject_threshold)}\n"
        f"timeout_ms = {timeout_ms}\n"
        f"fetch_reasons = {'true' if fetch_reasons else 'false'}\n")
    return path


def dnsbl(config, ip, *extra):
    result = run_mailgatectl("--config", config, "dnsbl", "--ip", ip, *extra)
    assert result.returncode in (0, 1), result.stdout + result.stderr
    return result


def zone_lines(result):
    """label -> the line `mailgatectl dnsbl` printed for that zone."""
    lines = {}
    for line in result.stdout.splitlines():
        match = re.match(r"^(blacklist|whitelist) (\S+) label=(\S+) weight=(\S+) (.*)$", line)
        if match:
            lines[match.group(3)] = line
    return lines


def decision(result):
    [line] = [line for line in result.stdout.splitlines() if line.startswith("decision: ")]
    return line


def describe(result):
    return f"exit {result.returncode}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}"


@pytest.fixture
def lists(dns_server):
    """dnsbl.test (RFC 5782 test points, an IPv6 entry, return codes, a malformed TXT, a
    misbehaving answer) and dnswl.test, served by NSD."""
    dns_server.add_zone("dnsbl.test", [
        f"{reverse_ipv4_name('127.0.0.2')} IN A 127.0.0.2",
        txt_record(reverse_ipv4_name("127.0.0.2"), "Listed: RFC 5782 test point"),
        f"{reverse_ipv6_name(IPV6_LISTED)} IN A 127.0.0.2",
        f"{reverse_ipv6_name('::ffff:7f00:2')} IN A 127.0.0.2",  # RFC 5782 section 5
        f"{reverse_ipv4_name('192.0.2.10')} IN A 127.0.0.10",
        f"{reverse_ipv4_name('192.0.2.10')} IN A 127.0.0.4",
        # A listed entry whose reason carries CR LF, NUL, a quote and 600 bytes.
        f"{reverse_ipv4_name('192.0.2.66')} IN A 127.0.0.2",
        txt_record(reverse_ipv4_name("192.0.2.66"),
                   b"bad\r\nX-Injected: yes\x00\"" + b"y" * 600),
        txt_record(reverse_ipv4_name("192.0.2.66"), b"\xff\xfe second record"),
        f"{reverse_ipv4_name('192.0.2.99')} IN A 10.0.0.1",  # outside 127/8
        f"{reverse_ipv4_name('192.0.2.50')} IN A 127.0.0.2",
    ])
    dns_server.add_zone("dnswl.test", [
        f"{reverse_ipv4_name('192.0.2.50')} IN A 127.0.10.2",
        f"{reverse_ipv4_name('192.0.2.51')} IN A 127.0.10.0",  # filtered out by [1..3]
    ])
    return dns_server


def test_C1_rfc5782_test_points_listed_and_not_listed(lists, server_directory):
    config = write_config(server_directory, lists.server_address,
                          zones=["TEST:dnsbl.test*2"])
    listed = dnsbl(config, "127.0.0.2")
    assert listed.returncode == 0, describe(listed)
    line = zone_lines(listed)["TEST"]
    assert " listed answers=127.0.0.2" in line, describe(listed)
    assert 'reason="Listed: RFC 5782 test point"' in line
    assert "symbol DNSBL_TEST score=2 dnsbl.test: 127.0.0.2" in listed.stdout
    assert decision(listed) == "decision: no reject, score 2"
    clean = dnsbl(config, "127.0.0.1")
    assert clean.returncode == 0, describe(clean)
    assert zone_lines(clean)["TEST"].endswith(" not listed"), describe(clean)
    assert "symbol " not in clean.stdout
    assert decision(clean) == "decision: no reject, score 0"


def test_C1_ipv6_clients_are_asked_by_nibble_name(lists, server_directory):
    config = write_config(server_directory, lists.server_address, zones=["TEST:dnsbl.test"])
    listed = dnsbl(config, IPV6_LISTED)
    assert f"query name {reverse_ipv6_name(IPV6_LISTED)}.ZONE" in listed.stdout
    assert " listed answers=127.0.0.2" in zone_lines(listed)["TEST"], describe(listed)
    assert zone_lines(dnsbl(config, IPV6_CLEAN))["TEST"].endswith(" not listed")
    # An IPv4-mapped address is the IPv4 address it carries (asked as 2.0.0.127).
    mapped = dnsbl(config, "::ffff:127.0.0.2")
    assert "query name 2.0.0.127.ZONE" in mapped.stdout, describe(mapped)
    assert " listed " in zone_lines(mapped)["TEST"]


def test_C1_exact_range_and_bitmask_return_codes(lists, server_directory):
    config = write_config(server_directory, lists.server_address, zones=[
        "EXACT4:dnsbl.test=127.0.0.4*1", "EXACT3:dnsbl.test=127.0.0.3*1",
        "RANGE:dnsbl.test=127.0.0.[9..11]*1", "BIT8:dnsbl.test&0.0.0.8*0.5",
        "BIT1:dnsbl.test&1*7"])
    result = dnsbl(config, "192.0.2.10")  # answers 127.0.0.4 and 127.0.0.10
    lines = zone_lines(result)
    assert " listed " in lines["EXACT4"], describe(result)
    assert " filtered out (answer did not match =127.0.0.3) " in lines["EXACT3"]
    assert " listed " in lines["RANGE"]
    assert " listed " in lines["BIT8"]
    assert " filtered out (answer did not match &0.0.0.1) " in lines["BIT1"]
    assert decision(result) == "decision: no reject, score 2.5"


def test_C1_spamassassin_bitmask_sub_tests(dns_server, server_directory):
    data = yaml.safe_load(SPAMASSASSIN_DATA.read_text())
    records, answers = [], {}
    for record in data["records"]:
        owner = record["name"].removesuffix(".dnsbltest")
        if not re.fullmatch(r"\d+\.\d+\.\d+\.\d+", owner):
            continue  # the domain (right-hand side) entry: not an address list
        if record["type"] == "A":
            records.append(f"{owner} IN A {record['value']}")
            ip = ".".join(reversed(owner.split(".")))
            answers[ip] = record["value"]
        else:
            records.append(txt_record(owner, record["value"]))
    dns_server.add_zone("dnsbltest.test", records)
    sub_tests = {}  # rule name -> (spec, must_hit)
    for rule in data["rules"]:
        numeric = re.fullmatch(r"check_rbl_sub\('test', '(\d+)'\)", rule["def"])
        exact = re.fullmatch(r"check_rbl\('[\w-]+', '[\w.]+', '([\d.]+)'\)", rule["def"])
        if numeric:
            sub_tests[rule["name"]] = (f"dnsbltest.test&{numeric.group(1)}", rule["must_hit"])
        elif exact:
            sub_tests[rule["name"]] = (f"dnsbltest.test={exact.group(1)}", rule["must_hit"])
    assert len(sub_tests) == 6  # four bitmasks, two exact codes
    config = write_config(server_directory, dns_server.server_address,
                          zones=[f"{name}:{spec}" for name, (spec, _) in sub_tests.items()])
    hits = set()
    for ip, answer in answers.items():
        result = dnsbl(config, ip)
        lines = zone_lines(result)
        for name, (spec, _) in sub_tests.items():
            code = spec.split("dnsbltest.test")[1]
            last_octet = int(answer.split(".")[3])
            expected = (last_octet & int(code[1:])) != 0 if code[0] == "&" else answer == code[1:]
            status = "listed" if expected else "filtered out"
            assert f" weight=1 {status}" in lines[name.upper()], describe(result)
            if expected:
                hits.add(name)
    for name, (_, must_hit) in sub_tests.items():
        assert (name in hits) == must_hit, name


def test_C1_whitelist_zone_overrides_every_blacklist_hit(lists, server_directory):
    config = write_config(server_directory, lists.server_address, reject_threshold=5,
                          zones=["BL:dnsbl.test*10"],
                          whitelist_zones=["WL:dnswl.test=127.0.[0..255].[1..3]*-5"])
    result = dnsbl(config, "192.0.2.50")
    assert " listed " in zone_lines(result)["WL"], describe(result)
    assert "symbol DNSWL_WL score=-5 " in result.stdout
    assert re.search(r"symbol DNSBL_BL score=0 .*overridden by DNSWL_WL", result.stdout)
    assert decision(result) == "decision: no reject, score -5"
    # A whitelist answer its return codes filter out overrides nothing.
    lists.add_zone("dnsbl.test", [f"{reverse_ipv4_name('192.0.2.51')} IN A 127.0.0.2"])
    filtered = dnsbl(config, "192.0.2.51")
    assert " filtered out " in zone_lines(filtered)["WL"], describe(filtered)
    assert decision(filtered).startswith("decision: reject 554 5.7.1 ")


def test_C1_whitelist_network_is_checked_before_any_query(lists, server_directory):
    config = write_config(server_directory, lists.server_address, reject_threshold=1,
                          zones=["BL:dnsbl.test*10"], whitelist_networks=["192.0.2.48/28"])
    result = dnsbl(config, "192.0.2.50")
    assert "whitelisted by network 192.0.2.48/28" in result.stdout, describe(result)
    assert zone_lines(result) == {}
    assert "symbol DNSWL_LOCAL_NETWORK score=0 192.0.2.48/28" in result.stdout
    assert decision(result) == "decision: no reject, score 0"


def test_C1_reject_names_the_lists(lists, server_directory):
    config = write_config(server_directory, lists.server_address, reject_threshold=5,
                          zones=["BIG:dnsbl.test*4", "OTHER:dnsbl.test=127.0.0.2*1",
                                 "NOT:dnswl.test*9"])
    result = dnsbl(config, "127.0.0.2")
    assert decision(result) == ("decision: reject 554 5.7.1 Service unavailable; client "
                                "[127.0.0.2] blocked using dnsbl.test"), describe(result)
    below = write_config(server_directory, lists.server_address, reject_threshold=5.5,
                         zones=["BIG:dnsbl.test*4", "OTHER:dnsbl.test=127.0.0.2*1"])
    assert decision(dnsbl(below, "127.0.0.2")) == "decision: no reject, score 5"


def test_C1_a_list_whose_server_never_answers_is_a_temporary_error_by_the_deadline(
        lists, server_directory):
    deadline_ms = 800
    config = write_config(server_directory, lists.server_address, reject_threshold=5,
                          timeout_ms=deadline_ms,
                          zones=["TEST:dnsbl.test*1", "SILENT:silent.test*9"])
    with SilentDnsServer() as silent:
        started = time.monotonic()
        result = dnsbl(config, "127.0.0.2", "--zone-dns", f"silent.test={silent.server_address}")
        elapsed = time.monotonic() - started
        assert silent.udp_queries_received >= 1
    assert result.returncode == 1, describe(result)
    lines = zone_lines(result)
    assert lines["SILENT"].endswith(
        f" temporary error: no answer within {deadline_ms} ms"), describe(result)
    assert " listed answers=127.0.0.2" in lines["TEST"]  # the other list still counts
    assert "symbol DNSBL_TEMPFAIL score=0 silent.test: " in result.stdout
    assert "dependency failure: dnsbl silent.test: no answer" in result.stdout
    assert decision(result) == "decision: no reject, score 1"  # never "not listed" (9)
    assert elapsed < deadline_ms / 1000 + 3, elapsed


def test_C1_every_list_silent_never_rejects(server_directory):
    with SilentDnsServer() as silent:
        config = write_config(server_directory, silent.server_address, reject_threshold=1,
                              timeout_ms=500, zones=["A:a.test*5", "B:b.test*5"],
                              whitelist_zones=["W:w.test*-1"])
        started = time.monotonic()
        result = dnsbl(config, "127.0.0.2")
        elapsed = time.monotonic() - started
    assert result.returncode == 1, describe(result)
    for label in ("A", "B", "W"):
        assert " temporary error: no answer within 500 ms" in zone_lines(result)[label]
    assert decision(result) == "decision: no reject, score 0"
    assert elapsed < 0.5 + 3, elapsed


def test_C1_refused_is_a_temporary_error_not_not_listed(lists, server_directory):
    # NSD refuses zones it does not serve; libunbound reports that as SERVFAIL.
    config = write_config(server_directory, lists.server_address, reject_threshold=2,
                          zones=["TEST:dnsbl.test", "ELSEWHERE:elsewhere.test*5"])
    result = dnsbl(config, "127.0.0.2")
    assert result.returncode == 1, describe(result)
    assert " temporary error: " in zone_lines(result)["ELSEWHERE"], describe(result)
    assert re.search("SERVFAIL|REFUSED", zone_lines(result)["ELSEWHERE"])
    assert decision(result) == "decision: no reject, score 1"


def test_C1_malformed_txt_reason_keeps_the_listing_and_stays_printable(lists,
                                                                        server_directory):
    config = write_config(server_directory, lists.server_address, zones=["TEST:dnsbl.test*3"])
    result = dnsbl(config, "192.0.2.66")
    line = zone_lines(result)["TEST"]
    assert " listed answers=127.0.0.2" in line, describe(result)
    reason = re.search(r'reason="(.*)"$', line).group(1)
    assert all(0x20 <= ord(c) < 0x7f for c in reason)
    assert "X-Injected" in reason and len(reason) <= 203
    assert "\r" not in result.stdout and "\x00" not in result.stdout
    assert decision(result) == "decision: no reject, score 3"


def test_C1_answers_outside_127_are_ignored_as_a_misbehaving_list(lists, server_directory):
    config = write_config(server_directory, lists.server_address, reject_threshold=1,
                          zones=["TEST:dnsbl.test*3"])
    result = dnsbl(config, "192.0.2.99")
    line = zone_lines(result)["TEST"]
    assert " not listed ignored=10.0.0.1 (misbehaving list" in line, describe(result)
    assert "symbol DNSBL_MISBEHAVING score=0 dnsbl.test answered outside" in result.stdout
    assert decision(result) == "decision: no reject, score 0"


@pytest.mark.parametrize("spec, message", [
    ("dnsbl.test=127.0.0.[4..2]", "empty octet range"),
    ("dnsbl.test=10.0.0.2", "can never match"),
    ("dnsbl.test&127.0.0.4", "first octet"),
    ("bad label:dnsbl.test", "label"),
    ("dnsbl.test*lots", "weight"),
])
def test_C1_malformed_zone_specs_are_config_errors_with_file_and_line(tmp_path, spec,
                                                                       message):
    config = tmp_path / "mailgate.toml"
    config.write_text(f'[dnsbl]\nenabled = true\nzones = ["ok.test", {json.dumps(spec)}]\n')
    result = run_mailgatectl("check-config", config)
    assert result.returncode == 1, describe(result)
    assert re.search(rf"^{re.escape(str(config))}:3:\d+: dnsbl.zones: .*{message}",
                     result.stderr, re.MULTILINE), describe(result)
