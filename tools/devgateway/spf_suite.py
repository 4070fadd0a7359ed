# The openspf RFC 7208 test suite as DNS zones: loads the YAML scenarios (read in place
# from ../shared/testdata) and turns each scenario's zonedata into zones for DnsServer,
# following the conventions of pyspf's driver (SPF copied to TXT, TXT: NONE, TIMEOUT,
# absent names NXDOMAIN). Pure functions, except load_zones, which only configures a
# DnsServer. It does not run mailgate or judge results; the B3 integration test does.
# docs/testing.md ("The RFC 7208 SPF suite") explains the zone layout and its limits.
from dataclasses import dataclass, field
from pathlib import Path

from .dns_names import txt_record

SUITE_PATH = Path(__file__).resolve().parents[3] / "shared/testdata/spf/rfc7208-tests.yml"
ROOT = "."
HOST_TYPES = ("CNAME", "PTR")
TEXT_TYPES = ("TXT", "SPF")


@dataclass(frozen=True)
class SuiteCase:
    scenario: str
    name: str
    helo: str
    host: str
    mailfrom: str
    results: tuple  # acceptable results, the preferred first
    explanation: str = None  # expected explanation of a fail, when the case has one
    description: str = ""

    @property
    def id(self):
        return f"{self.scenario}/{self.name}"


@dataclass
class Scenario:
    description: str
    cases: list
    zonedata: dict  # domain -> list of entries, as in the YAML


@dataclass
class NameData:
    """What one zonedata name serves: records as (type, value), or a failure."""
    records: list
    fails: bool  # every query of the name fails (pyspf's TIMEOUT)


@dataclass
class ZonePlan:
    name: str  # "." for the root zone
    failing: bool = False  # configured without a zone file: SERVFAIL for all of it
    lines: list = field(default_factory=list)  # zone-file lines with absolute owners


def load_scenarios(path=SUITE_PATH):
    """The scenarios of the suite file, in file order."""
    import yaml  # here, not at the top: devgateway's servers work without PyYAML
    with open(path, "rb") as stream:
        documents = list(yaml.safe_load_all(stream))
    return [_scenario(document) for document in documents if document]


def _scenario(document):
    description = document["description"]
    cases = [SuiteCase(
        scenario=description, name=name, helo=str(case["helo"]), host=str(case["host"]),
        mailfrom=str(case["mailfrom"]),
        results=tuple(case["result"]) if isinstance(case["result"], list)
        else (case["result"],),
        explanation=case.get("explanation"), description=case.get("description", ""))
        for name, case in document["tests"].items()]
    return Scenario(description, cases, document.get("zonedata") or {})


def name_data(entries):
    """pyspf's reading of one name's entries. Records after a TIMEOUT are never seen.
    An SPF record is also a TXT record unless the name lists a TXT entry anywhere
    (`TXT: NONE` included); a NONE value is no record. A TIMEOUT fails the queries
    whose type is not listed before it. NSD cannot fail one type only, so the name
    fails as a whole when only SPF records (a type RFC 7208 clients never ask for) or
    nothing come before the TIMEOUT; otherwise the listed records are served and the
    other types get an empty answer instead of a timeout."""
    listed, answering_types = [], set()
    times_out, explicit_txt = False, False
    for entry in entries:
        if entry == "TIMEOUT":
            times_out = True
            break
        if not isinstance(entry, dict):
            raise ValueError(f"unsupported zonedata entry {entry!r}")
        for record_type, value in entry.items():
            if value == "TIMEOUT":
                raise ValueError(f"a per-type TIMEOUT ({record_type}) is not supported")
            explicit_txt = explicit_txt or record_type == "TXT"
            if value != "NONE":
                listed.append((record_type, value))
                answering_types.add(record_type)
    if times_out:
        return NameData(listed, fails=not answering_types - {"SPF"})
    if not explicit_txt:
        listed += [("TXT", value) for record_type, value in listed if record_type == "SPF"]
    return NameData(listed, fails=False)


def plan_zones(zonedata):
    """The zones that serve `zonedata`: the root zone holds every name (so absent
    names are NXDOMAIN), except that each failing name is the apex of a failing zone,
    and names below a failing name sit in zones cut at the failing name's child on
    their path. Names are lower-cased (DNS ignores case; pyspf keeps the last of
    names that differ only in case)."""
    names = {_labels(name): name_data(entries) for name, entries in zonedata.items()}
    failing = {labels for labels, data in names.items() if data.fails}
    cuts = {()} | failing
    for labels, data in names.items():
        if not data.fails:
            ancestor = _nearest_ancestor(labels, failing)
            if ancestor is not None:
                cuts.add(labels[len(labels) - len(ancestor) - 1:])
    zones = {cut: ZonePlan(_text_name(cut), failing=cut in failing) for cut in cuts}
    for labels, data in sorted(names.items(), key=lambda item: item[0][::-1]):
        if data.fails:
            continue
        zone = zones[_nearest_ancestor(labels, cuts, include_self=True)]
        if zone.name == _text_name(labels) and zone.name != ROOT and any(
                record_type == "CNAME" for record_type, _ in data.records):
            raise ValueError(f"{zone.name} needs its own zone but has a CNAME")
        for line in record_lines(labels, data.records):
            if line not in zone.lines:  # DNS keeps one copy of identical records
                zone.lines.append(line)
    return sorted(zones.values(), key=lambda zone: _labels(zone.name)[::-1])


def load_zones(server, zones):
    """Configure every planned zone on a DnsServer (before start: one NSD start)."""
    for zone in zones:
        if zone.failing:
            server.add_failing_zone(zone.name)
        else:
            server.add_zone(zone.name, zone.lines)


def record_lines(labels, records):
    owner = zone_file_name(labels)
    for record_type, value in records:
        if record_type in TEXT_TYPES:
            yield f"{owner} IN {record_type} {_character_strings(value)}"
        elif record_type == "MX":
            preference, host = value
            yield f"{owner} IN MX {int(preference)} {zone_file_name(host)}"
        elif record_type in HOST_TYPES:
            yield f"{owner} IN {record_type} {zone_file_name(value)}"
        elif record_type in ("A", "AAAA"):
            yield f"{owner} IN {record_type} {value}"
        else:
            raise ValueError(f"unsupported record type {record_type}")


def zone_file_name(name):
    """An absolute zone-file name for `name` (text or labels): bytes other than
    letters, digits, '-' and '_' as \\DDD, so ':', '/', '%' and spaces survive."""
    labels = _labels(name, lower=False) if isinstance(name, str) else name
    if not labels:
        return ROOT
    return "".join(_escape_label(label) + "." for label in labels)


def _character_strings(value):
    """Zone-file character-strings for a TXT or SPF value: a str is one text (UTF-8,
    split at 255 bytes), a list is one record of those strings; an empty list, which
    DNS cannot carry, is one empty string (its text is the same empty text)."""
    texts = value if isinstance(value, list) else [value]
    if not all(isinstance(text, (str, bytes)) for text in texts):
        raise ValueError(f"unsupported TXT value {value!r}")
    return " ".join(txt_record("@", text).split(" IN TXT ", 1)[1] for text in texts or [""])


def _escape_label(label):
    return "".join(chr(byte) if chr(byte).isascii() and (chr(byte).isalnum() or byte in b"-_")
                   else f"\\{byte:03d}" for byte in label.encode())


def _labels(name, lower=True):
    """The labels of `name`, empty ones dropped; () for the root."""
    name = name.lower() if lower else name
    return tuple(label for label in name.split(".") if label)


def _text_name(labels):
    return ".".join(labels) if labels else ROOT


def _nearest_ancestor(labels, candidates, include_self=False):
    """The longest of `candidates` that `labels` is below (or equal, if include_self)."""
    first = 0 if include_self else 1
    for start in range(first, len(labels) + 1):
        if labels[start:] in candidates:
            return labels[start:]
    return None
