# B9 connection checks (PTR, HELO, sender domain) through `mailgatectl check-client`,
# against a real authoritative NSD on loopback: PTR present or missing (IPv4 and IPv6),
# forward-confirmed or not, HELO names that resolve or not, a null MX domain rejected
# with 5.7.27, an MX-less domain with an A record accepted, a domain that does not exist,
# and DNS that times out or refuses, which must give a temporary result and never a reject.
import re

import pytest

from devgateway import SilentDnsServer, make_subdirectory, reverse_ipv6_name, run_mailgatectl

ZONES = {
    "example.test": [
        "@ IN MX 10 mx",
        "mx IN A 192.0.2.25",
        "mx IN AAAA 2001:db8::25",
        "forged IN A 198.51.100.1",
        "nomail IN MX 0 .",
        "aonly IN A 192.0.2.30",
        'txtonly IN TXT "v=spf1 -all"',
    ],
    "2.0.192.in-addr.arpa": [
        "25 IN PTR mx.example.test.",
        "26 IN PTR forged.example.test.",
    ],
    "ip6.arpa": [
        f"{reverse_ipv6_name('2001:db8::25', 'ip6.arpa.')}. IN PTR mx.example.test.",
        f"{reverse_ipv6_name('2001:db8::26', 'ip6.arpa.')}. IN PTR forged.example.test.",
    ],
}


@pytest.fixture
def zones(dns_server):
    for name, records in ZONES.items():
        dns_server.add_zone(name, records)
    return dns_server


def write_config(directory, server_address, name="mailgate", **client_checks):
    """A config file `name`.toml naming only the test DNS server and the given
    [client_checks] keys."""
    # SPF is on by default; these tests are about the client checks alone.
    lines = ["[dns]", f'servers = ["{server_address}"]', "timeout_ms = 500", "[spf]",
             "enabled = false", "[client_checks]"]
    for key, value in client_checks.items():
        if isinstance(value, bool):
            lines.append(f"{key} = {'true' if value else 'false'}")
        elif isinstance(value, list):
            lines.append(f"{key} = [{', '.join(chr(34) + item + chr(34) for item in value)}]")
        else:
            lines.append(f'{key} = "{value}"')
    path = make_subdirectory(directory, "config") / f"{name}.toml"
    path.write_text("\n".join(lines) + "\n")
    return path


class CheckRun:
    def __init__(self, completed):
        self.completed = completed
        self.stdout = completed.stdout
        self.symbols = {match.group(1): float(match.group(2)) for match in
                        re.finditer(r"^symbol check=\S+ name=(\S+) score=(\S+)", self.stdout, re.M)}
        decision = re.search(r'^decision=(\w+)(?: reply="([^"]*)")? score=(\S+)$', self.stdout,
                             re.M)
        assert decision, self.stdout
        self.decision, self.reply, self.score = (decision.group(1), decision.group(2),
                                                 float(decision.group(3)))


def check_client(config, *arguments):
    completed = run_mailgatectl("--config", config, "check-client", *arguments)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    return CheckRun(completed)


@pytest.fixture
def scoring_config(zones, server_directory):
    return write_config(server_directory, zones.server_address, "scoring", ptr_action="score",
                        ptr_forward_confirmed=True, helo_action="score",
                        sender_domain_action="score")


@pytest.fixture
def rejecting_config(zones, server_directory):
    return write_config(server_directory, zones.server_address, "rejecting",
                        ptr_action="reject", ptr_forward_confirmed=True, helo_action="reject",
                        sender_domain_action="reject", own_helo_names=["gateway.ours.test"],
                        own_addresses=["203.0.113.0/28"])


def test_B9_well_configured_client_is_accepted(rejecting_config):
    for address in ("192.0.2.25", "2001:db8::25"):
        run = check_client(rejecting_config, "--ip", address, "--helo", "mx.example.test",
                           "--sender", "alice@example.test")
        assert run.stdout.startswith("checks: ptr helo sender_domain\n")
        assert run.symbols == {}, run.stdout
        assert (run.decision, run.score) == ("accept", 0.0)


def test_B9_client_without_ptr_scores_then_rejects(scoring_config, rejecting_config):
    scored = check_client(scoring_config, "--ip", "192.0.2.27")
    assert scored.symbols == {"CLIENT_NO_PTR": 1.5}
    assert (scored.decision, scored.score) == ("accept", 1.5)
    rejected = check_client(rejecting_config, "--ip", "192.0.2.27")
    assert rejected.decision == "reject"
    assert rejected.reply == ("550 5.7.1 Client host rejected: cannot find your reverse "
                              "hostname, [192.0.2.27]")
    ipv6 = check_client(rejecting_config, "--ip", "2001:db8::27")
    assert ipv6.symbols == {"CLIENT_NO_PTR": 1.5} and ipv6.decision == "reject"


def test_B9_ptr_that_does_not_resolve_back_is_not_forward_confirmed(scoring_config,
                                                                      rejecting_config):
    for address in ("192.0.2.26", "2001:db8::26"):
        scored = check_client(scoring_config, "--ip", address)
        assert scored.symbols == {"CLIENT_PTR_NOT_CONFIRMED": 1.0}, scored.stdout
        assert "forged.example.test" in scored.stdout
        rejected = check_client(rejecting_config, "--ip", address)
        assert rejected.reply.startswith("550 5.7.1 Client host rejected: cannot find your "
                                         "hostname")


def test_B9_authenticated_and_trusted_clients_skip_ptr_and_helo(rejecting_config):
    for extra in (["--authenticated", "alice"], ["--trusted"]):
        run = check_client(rejecting_config, "--ip", "192.0.2.27", "--helo", "WIN-PC", *extra)
        assert run.symbols == {} and run.decision == "accept", run.stdout


def test_B9_helo_names_and_literals(scoring_config, rejecting_config):
    cases = {
        "mx.example.test": {},
        "MX.EXAMPLE.TEST.": {},
        "[192.0.2.25]": {},
        "nowhere.example.test": {"HELO_NOT_RESOLVING": 1.0},
        "[192.0.2.99]": {"HELO_LITERAL_MISMATCH": 2.0},
        "192.0.2.25": {"HELO_BARE_IP": 2.0},
        "WIN-PC": {"HELO_INVALID_SYNTAX": 2.0},
        "bad_name..example.test": {"HELO_INVALID_SYNTAX": 2.0},
    }
    for helo, symbols in cases.items():
        run = check_client(scoring_config, "--ip", "192.0.2.25", "--helo", helo)
        assert run.symbols == symbols, (helo, run.stdout)
    replies = {
        "nowhere.example.test": "550 5.7.1 Helo command rejected: Host not found",
        "192.0.2.25": "501 5.5.2 Helo command rejected: Invalid name",
        "WIN-PC": "504 5.5.2 Helo command rejected: need fully-qualified hostname",
        "gateway.ours.test": "550 5.7.1 Helo command rejected: you are not me",
        "[203.0.113.1]": "550 5.7.1 Helo command rejected: you are not me",
    }
    for helo, reply in replies.items():
        run = check_client(rejecting_config, "--ip", "192.0.2.25", "--helo", helo)
        assert (run.decision, run.reply) == ("reject", reply), (helo, run.stdout)


def test_B9_hostile_helo_is_judged_without_harm(rejecting_config):
    for helo in ("x" * 5000, "a" * 64 + ".example.test", "mail.example.test\r\nRCPT TO:<x@y>"):
        run = check_client(rejecting_config, "--ip", "192.0.2.25", "--helo", helo)
        assert run.symbols == {"HELO_INVALID_SYNTAX": 2.0}
        assert run.reply.startswith("501 5.5.2")
        assert len(run.stdout) < 2000 and "\r" not in run.stdout


def test_B9_sender_domains(scoring_config, rejecting_config):
    cases = {
        "alice@example.test": {},
        "bob@aonly.example.test": {},  # no MX: the A record is the implicit MX
        "": {},  # the null sender is never checked
        "noreply@nomail.example.test": {"SENDER_DOMAIN_NULL_MX": 5.0},
        "carol@missing.example.test": {"SENDER_DOMAIN_UNKNOWN": 3.0},
        "dave@txtonly.example.test": {"SENDER_DOMAIN_UNKNOWN": 3.0},
    }
    for sender, symbols in cases.items():
        run = check_client(scoring_config, "--ip", "192.0.2.25", "--sender", sender)
        assert run.symbols == symbols, (sender, run.stdout)
        assert run.decision == "accept"
    null_mx = check_client(rejecting_config, "--ip", "192.0.2.25", "--sender",
                           "noreply@nomail.example.test")
    assert null_mx.reply == ("550 5.7.27 Sender address rejected: sender domain does not "
                             "accept mail")
    missing = check_client(rejecting_config, "--ip", "192.0.2.25", "--sender",
                           "carol@missing.example.test")
    assert missing.reply == "550 5.1.8 Sender address rejected: Domain not found"
    accepted = check_client(rejecting_config, "--ip", "192.0.2.25", "--sender",
                            "bob@aonly.example.test")
    assert accepted.decision == "accept"


def test_B9_refused_lookups_are_temporary_never_a_reject(zones, server_directory):
    # NSD refuses names outside its zones: to the resolver that is a server failure.
    for policy, decision in (("dunno", "accept"), ("tempfail", "tempfail")):
        config = write_config(server_directory, zones.server_address, policy,
                              ptr_action="reject", helo_action="reject",
                              sender_domain_action="reject", on_dns_failure=policy)
        run = check_client(config, "--ip", "198.51.100.7", "--helo", "mail.elsewhere.test",
                           "--sender", "x@elsewhere.test")
        assert run.symbols == {"CLIENT_PTR_DNS_FAILURE": 0.0, "HELO_DNS_FAILURE": 0.0,
                               "SENDER_DOMAIN_DNS_FAILURE": 0.0}, run.stdout
        assert run.stdout.count("dns_failure check=") == 3
        assert run.decision == decision, run.stdout
        if decision == "tempfail":
            assert run.reply.startswith("451 4.4.3 ")


def test_B9_silent_dns_gives_a_temporary_result_within_the_timeout(server_directory):
    with SilentDnsServer() as silent:
        config = write_config(server_directory, silent.server_address, ptr_action="reject",
                              ptr_forward_confirmed=True, helo_action="reject",
                              sender_domain_action="reject", on_dns_failure="tempfail")
        run = check_client(config, "--ip", "192.0.2.25", "--helo", "mx.example.test",
                           "--sender", "alice@example.test")
    assert set(run.symbols) == {"CLIENT_PTR_DNS_FAILURE", "HELO_DNS_FAILURE",
                                "SENDER_DOMAIN_DNS_FAILURE"}
    assert "timed out" in run.stdout
    assert run.decision == "tempfail" and run.reply.startswith("451 4.4.3")


def test_B9_enable_option_turns_checks_on_without_a_config(zones, server_directory):
    config = write_config(server_directory, zones.server_address)
    off = check_client(config, "--ip", "192.0.2.27")
    assert off.stdout.startswith("checks: none enabled")
    on = check_client(config, "--ip", "192.0.2.27", "--enable", "ptr")
    assert on.symbols == {"CLIENT_NO_PTR": 1.5} and on.decision == "accept"
    rejecting = check_client(config, "--ip", "192.0.2.27", "--reject", "ptr")
    assert rejecting.decision == "reject"
    usage = run_mailgatectl("--config", config, "check-client", "--enable", "ptr")
    assert usage.returncode == 2 and "usage:" in usage.stderr
