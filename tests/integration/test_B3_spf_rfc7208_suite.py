# B3: the openspf RFC 7208 conformance suite (../shared/testdata/spf/rfc7208-tests.yml,
# read in place) through `mailgatectl spf`, one pytest case per suite case, against a
# private NSD on loopback that serves the scenario's zonedata (devgateway.spf_suite
# builds the zones; one NSD start per scenario). The harness self-tests at the top ask
# that NSD with dnspython and no mailgate code: when they fail, the harness is wrong,
# not mailgate. A missing suite file fails the run.
import os
import re
import shutil
import subprocess

import dns.rcode
import dns.rdatatype
import pytest

from conftest import watch_log
from devgateway import DnsServer, make_shared_directory, make_subdirectory, spf_suite
from devgateway.mailgate_daemons import SANITIZER_REPORT, binary_path

if not spf_suite.SUITE_PATH.exists():
    # A missing suite must fail the run, never pass it with nothing tested.
    raise FileNotFoundError(f"{spf_suite.SUITE_PATH} is absent: ../shared/testdata must sit "
                            "beside the repository")

SCENARIOS = spf_suite.load_scenarios()
SCENARIO_BY_NAME = {scenario.description: scenario for scenario in SCENARIOS}
CASES = [case for scenario in SCENARIOS for case in scenario.cases]
DEFAULT_EXPLANATION = "DEFAULT"  # what pyspf's driver sets, and the suite expects
RESULTS = {"none", "neutral", "pass", "fail", "softfail", "temperror", "permerror"}
KEEP_DIRECTORIES = os.environ.get("MAILGATE_KEEP_TEST_DIRECTORIES") == "1"


class ScenarioDnsServers:
    """One NSD at a time, for the scenario the current test needs; tests come in
    scenario order, so each scenario's zones are loaded with a single NSD start."""

    def __init__(self, directory):
        self.directory = directory
        self.description = None
        self.server = None

    def server_for(self, scenario):
        if self.description != scenario.description:
            self.stop()
            name = re.sub(r"[^A-Za-z0-9]+", "-", scenario.description).strip("-").lower()
            server = DnsServer(make_subdirectory(self.directory, name))
            spf_suite.load_zones(server, spf_suite.plan_zones(scenario.zonedata))
            self.description, self.server = scenario.description, server
            server.start()
        return self.server

    def stop(self):
        if self.server is not None:
            self.server.stop()
        self.description = self.server = None


@pytest.fixture(scope="module")
def scenario_dns_servers(request):
    directory = make_shared_directory(prefix="mailgate-spf-suite-")
    failures_before = request.session.testsfailed
    servers = ScenarioDnsServers(directory)
    yield servers
    servers.stop()
    if request.session.testsfailed > failures_before or KEEP_DIRECTORIES:
        print(f"\nkept test directory {directory}")
    else:
        shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture
def scenario_dns(request, scenario_dns_servers):
    """Call with a scenario description; returns its running DnsServer."""
    def server_for(description):
        server = scenario_dns_servers.server_for(SCENARIO_BY_NAME[description])
        watch_log(request, server.log_path)
        return server
    return server_for


def answer_strings(response, rdtype="TXT"):
    """Each answer record of `rdtype` as its list of character-strings (bytes), sorted."""
    return sorted(list(rdata.strings) for rrset in response.answer
                  if rrset.rdtype == dns.rdatatype.from_text(rdtype) for rdata in rrset)


# ----- harness self-tests: the zones say what the YAML says (no mailgate) -----

def test_B3_suite_has_16_scenarios_and_exactly_203_cases():
    counts = {scenario.description: len(scenario.cases) for scenario in SCENARIOS}
    assert counts == {
        "Initial processing": 16, "Record lookup": 7, "Selecting records": 10,
        "Record evaluation": 12, "ALL mechanism syntax": 5, "PTR mechanism syntax": 8,
        "A mechanism syntax": 29, "Include mechanism semantics and syntax": 9,
        "MX mechanism syntax": 21, "EXISTS mechanism syntax": 7,
        "IP4 mechanism syntax": 9, "IP6 mechanism syntax": 9,
        "Semantics of exp and other modifiers": 24, "Macro expansion rules": 24,
        "Processing limits": 11, "Test cases from implementation bugs": 2}
    assert len(CASES) == 203
    assert len({case.id for case in CASES}) == 203
    assert all(set(case.results) <= RESULTS for case in CASES)


def test_B3_harness_pyspf_conventions_decide_records_and_failures():
    data = spf_suite.name_data
    assert data([{"SPF": "v=spf1 -all"}]).records == [
        ("SPF", "v=spf1 -all"), ("TXT", "v=spf1 -all")]  # SPF copied to TXT
    assert data([{"SPF": "v=spf1 -all"}, {"TXT": "NONE"}]).records == [
        ("SPF", "v=spf1 -all")]
    assert data([{"TXT": "v=spf1 -all"}, "TIMEOUT"]).fails is False  # TXT answers
    assert data([{"SPF": "v=spf1 -all"}, {"TXT": "NONE"}, "TIMEOUT"]).fails is True
    assert data(["TIMEOUT", {"TXT": "never seen"}]).fails is True
    [zone] = spf_suite.plan_zones({"b.example.org": [{"CNAME": "a.example.org"}]})
    assert zone.name == "." and zone.lines == ["b.example.org. IN CNAME a.example.org."]
    assert spf_suite.zone_file_name("foo:bar/baz.Example.com") == (
        "foo\\058bar\\047baz.Example.com.")
    assert spf_suite.zone_file_name("") == "."  # a null MX host


def test_B3_harness_serves_initial_processing_zones(scenario_dns):
    server = scenario_dns("Initial processing")
    # example.com is TIMEOUT: SERVFAIL; its children with data have zones of their own.
    assert server.query("example.com", "TXT").rcode() == dns.rcode.SERVFAIL
    null = server.query("null.example.com", "TXT")
    assert null.rcode() == dns.rcode.NOERROR
    assert answer_strings(null) == [[b""], [b"v=spf1 ip4:", b"192.0.2.5 -all"]]
    assert answer_strings(server.query("null.example.com", "SPF"), "SPF") == [
        [b""], [b"v=spf1 ip4:", b"192.0.2.5 -all"]]
    assert answer_strings(server.query("hosed.example.com", "TXT")) == [
        ["v=spf1 a:\xEF\xBB\xBFgarbage.example.net -all".encode()]]
    assert answer_strings(server.query("ctrl.example.com", "TXT")) == [
        [b"v=spf1 a:ctrl.example.com\rptr -all"]]
    long_name = "A" + "1234567890" * 6 + "12.example.com"
    assert answer_strings(server.query(long_name, "TXT")) == [[b"v=spf1 -all"]]
    assert answer_strings(server.query("exp.example.net", "TXT")) == [[b"%{l}"]]
    for absent in ("mail.example.net", "hosed", "elsewhere.invalid"):
        assert server.query(absent, "A").rcode() == dns.rcode.NXDOMAIN


def test_B3_harness_serves_record_lookup_timeouts_and_txt_none(scenario_dns):
    server = scenario_dns("Record lookup")
    for name in ("alltimeout", "txttimeout", "nospftxttimeout"):
        assert server.query(f"{name}.example.net", "TXT").rcode() == dns.rcode.SERVFAIL
    assert answer_strings(server.query("spftimeout.example.net", "TXT")) == [
        [b"v=spf1 -all"]]  # TXT listed before TIMEOUT: served
    spf_only = server.query("spfonly.example.net", "TXT")  # TXT: NONE
    assert spf_only.rcode() == dns.rcode.NOERROR and not spf_only.answer
    assert answer_strings(server.query("spfonly.example.net", "SPF"), "SPF") == [
        [b"v=spf1 -all"]]


def test_B3_harness_serves_odd_names_cnames_and_reverse_names(scenario_dns):
    server = scenario_dns("A mechanism syntax")
    response = server.query("foo:bar/baz.example.com", "A")
    assert response.rcode() == dns.rcode.NOERROR and response.answer
    server = scenario_dns("PTR mechanism syntax")
    response = server.query("4.2.0.192.in-addr.arpa", "PTR")
    assert [rdata.to_text() for rrset in response.answer for rdata in rrset
            if rrset.rdtype == dns.rdatatype.PTR] == ["loop4.example.com."]


# ----- the suite through mailgatectl spf -----

@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_B3_rfc7208_suite_case(case, scenario_dns):
    server = scenario_dns(case.scenario)
    command = [binary_path("mailgatectl"), "spf", "--ip", case.host, "--sender",
               case.mailfrom, "--helo", case.helo, "--dns", server.server_address,
               "--default-explanation", DEFAULT_EXPLANATION]
    completed = subprocess.run(command, capture_output=True, timeout=60,
                               stdin=subprocess.DEVNULL)
    stdout = completed.stdout.decode(errors="backslashreplace")
    stderr = completed.stderr.decode(errors="backslashreplace")
    lines = stdout.split("\n")
    report = (f"{case.id}: {case.description}\nexpected {'/'.join(case.results)}"
              f"{f' with explanation {case.explanation!r}' if case.explanation else ''}\n"
              f"$ {' '.join(map(str, command))}\nexit {completed.returncode}\n"
              f"stdout:\n{stdout}\nstderr:\n{stderr}")
    assert not SANITIZER_REPORT.search(stderr), report
    assert completed.returncode == 0, report
    assert lines[0] in case.results, report
    if case.explanation is not None:
        assert len(lines) > 1 and lines[1] == case.explanation, report
