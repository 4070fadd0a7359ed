# C3 global rules as golden data: each file in tests/data/rules/cases/ holds rule files,
# messages with their envelope, and the RULE_ symbols, action and spam flag expected for
# each recipient; each runs through `mailgatectl scan --json` (the milter's content
# pipeline, offline). Each file in tests/data/rules/invalid/ holds rule files that
# `mailgatectl check-config` must refuse, naming file, line and problem.
# tests/data/rules/README.md describes both formats. Not tested here: the milter and
# Postfix around the pipeline (test_C7_content_end_to_end.py), reload on SIGHUP
# (test_F1_configuration.py), personal lists (they need Redis), matching speed.
import json
import re
import tomllib
from pathlib import Path

import pytest

from devgateway.mailgate_daemons import run_mailgatectl

DATA = Path(__file__).resolve().parents[2] / "tests/data/rules"
MESSAGES = DATA / "messages"
DEFAULT_SENDER = "alice@sender.test"
DEFAULT_RECIPIENTS = ["bob@example.test"]
EXPECT_KEYS = {"recipient", "rules", "match", "no_match", "action", "spam", "reason"}
SCAN_KEYS = {"id", "comment", "message", "message_file", "crlf", "pad_to_bytes", "sender",
             "recipients", "expect", "verdict", "xfail"}
INVALID_KEYS = {"id", "comment", "rule_files", "config", "problem", "count", "xfail"}
PROBLEM_KEYS = {"file", "line", "message"}


def load(path):
    return tomllib.loads(path.read_text(encoding="utf-8"))


def rule_files_of(case):
    """The case's rule files as {file name: text}: `rules` alone is 50-case.toml."""
    files = dict(case.get("rule_files", {}))
    if "rules" in case:
        files["50-case.toml"] = case["rules"]
    return files


def symbol_of(rule_name):
    """What the engine names a rule's symbol (ruleSymbolName in gateway/), for checking."""
    letters = "".join(chr(b).upper() if chr(b).isalnum() and b < 0x80 else "_"
                      for b in rule_name.encode("utf-8"))
    return ("RULE_" + letters)[:64]


def write_config(directory, case):
    (directory / "rules.d").mkdir()
    for name, text in rule_files_of(case).items():
        (directory / "rules.d" / name).write_text(text, encoding="utf-8")
    config = directory / "mailgate.toml"
    config.write_text('[rules]\ndirectory = "rules.d"\n' + case.get("config", ""))
    return config


def message_bytes(scan):
    if "message_file" in scan:
        raw = (MESSAGES / scan["message_file"]).read_bytes()
    else:
        raw = scan["message"].encode("utf-8")
    if scan.get("crlf"):  # line ends as the milter stores a message
        assert b"\r" not in raw
        raw = raw.replace(b"\n", b"\r\n")
    size = scan.get("pad_to_bytes")
    if size is not None:
        # Filler lines at the end of the body, so the whole message is exactly `size` bytes.
        assert raw.endswith(b"\n") and len(raw) + 2 <= size, "pad_to_bytes too small"
        missing = size - len(raw)
        filler = b""
        while missing > 0:
            line = min(missing, 77)
            filler += b"x" * (line - 1) + b"\n"
            missing -= line
        raw += filler
        assert len(raw) == size
    return raw


def params(directory, key):
    for path in sorted((DATA / directory).glob("*.toml")):
        document = load(path)
        for entry in document.get(key, []):
            marks = ([pytest.mark.xfail(strict=True, reason=entry["xfail"])]
                     if "xfail" in entry else [])
            yield pytest.param(path, document, entry, id=f"{path.stem}:{entry['id']}",
                               marks=marks)


def classifications(case):
    """{symbol: (classification, rule name)} of every rule the case's files define."""
    known = {}
    for text in rule_files_of(case).values():
        for rule in tomllib.loads(text).get("rule", []):
            known[symbol_of(rule["name"])] = (rule.get("classification", "spam"), rule["name"])
    return known


def check_recipient(got, expect, known):
    symbols = [s for s in got["symbols"] if s["name"].startswith("RULE_")]
    rules = {s["name"]: s["detail"] for s in symbols}
    where = f"recipient {got['recipient']!r}: "
    assert len(rules) == len(symbols), where + f"a RULE_ symbol twice: {symbols}"
    for name in expect.get("rules", []) + expect.get("match", []) + expect.get("no_match", []):
        assert name in known, f"{name} is not a rule of this case (typo?)"
    for name, detail in rules.items():
        kind, rule = known[name]
        assert detail == f'{kind} rule "{rule}"', where + f"{name} detail {detail!r}"
    if "rules" in expect:
        assert sorted(rules) == sorted(expect["rules"]), where + "matching rules"
    for name in expect.get("match", []):
        assert name in rules, where + f"{name} should match; matched {sorted(rules)}"
    for name in expect.get("no_match", []):
        assert name not in rules, where + f"{name} should not match"
    for key in ("action", "spam"):
        if key in expect:
            assert got[key] == expect[key], where + f"{key}; reason {got['reason']!r}"
    if "reason" in expect:
        assert expect["reason"] in got["reason"], where + "reason"


def scan(tmp_path, case, entry):
    config = write_config(tmp_path, case)
    message = tmp_path / "message.eml"
    message.write_bytes(message_bytes(entry))
    recipients = entry.get("recipients", DEFAULT_RECIPIENTS)
    arguments = ["--config", config, "scan", "--json",
                 "--sender", entry.get("sender", DEFAULT_SENDER)]
    for recipient in recipients:
        arguments += ["--rcpt", recipient]
    result = run_mailgatectl(*arguments, message)
    assert result.returncode == 0, result.stdout + result.stderr
    [line] = result.stdout.splitlines()
    return json.loads(line), recipients


@pytest.mark.parametrize("path,case,entry", params("cases", "scan"))
def test_C3_rules_golden_scan(tmp_path, path, case, entry):
    assert set(entry) <= SCAN_KEYS, f"{path.name}: unknown keys {set(entry) - SCAN_KEYS}"
    assert entry.get("expect") or entry.get("verdict"), f"{path.name}: nothing expected"
    result, recipients = scan(tmp_path, case, entry)
    known = classifications(case)
    by_recipient = {got["recipient"]: got for got in result["recipients"]}
    assert sorted(by_recipient) == sorted(recipients)
    for expect in entry.get("expect", []):
        assert set(expect) <= EXPECT_KEYS, f"{path.name}: unknown keys {set(expect) - EXPECT_KEYS}"
        assert set(expect) - {"recipient"}, f"{path.name}: an expectation without a check"
        for recipient in [expect["recipient"]] if "recipient" in expect else recipients:
            check_recipient(by_recipient[recipient], expect, known)
    for key, value in entry.get("verdict", {}).items():
        assert result[key] == value, f"message verdict {key}; reason {result['reason']!r}"


@pytest.mark.parametrize("path", sorted((DATA / "cases").glob("*.toml")), ids=lambda p: p.stem)
def test_C3_rules_golden_case_rules_are_valid(tmp_path, path):
    """Every case's rules pass check-config whole: a dropped rule would hide in the scans."""
    case = load(path)
    files = rule_files_of(case)
    count = sum(len(tomllib.loads(text).get("rule", [])) for text in files.values())
    result = run_mailgatectl("--config", write_config(tmp_path, case), "check-config")
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"ok ({len(files)} rule file(s), {count} rule(s))" in result.stdout


def problem_lines(stderr):
    """The problem lines of check-config's report, without its "N problem(s)" summary."""
    lines = stderr.splitlines()
    assert lines and re.fullmatch(r".*: \d+ problem\(s\)", lines[-1]), stderr
    return lines[:-1]


@pytest.mark.parametrize("path,document,entry", params("invalid", "case"))
def test_C3_rules_golden_invalid_rule_file(tmp_path, path, document, entry):
    assert set(entry) <= INVALID_KEYS, f"{path.name}: unknown keys {set(entry) - INVALID_KEYS}"
    assert entry.get("problem"), f"{path.name}: {entry['id']} expects no problem"
    assert all(set(problem) == PROBLEM_KEYS for problem in entry["problem"]), path.name
    config = write_config(tmp_path, entry)
    result = run_mailgatectl("--config", config, "check-config")
    assert result.returncode == 1, result.stdout + result.stderr
    rules_directory = tmp_path / "rules.d"
    lines = problem_lines(result.stderr)
    for line in lines:  # every problem is in a rule file, none in mailgate.toml
        assert line.startswith(f"{rules_directory}/"), line
    for problem in entry["problem"]:
        prefix = f"{rules_directory / problem['file']}:{problem['line']}:"
        found = [line for line in lines
                 if line.startswith(prefix) and problem["message"] in line]
        assert found, f"no {prefix} ...{problem['message']}... in:\n" + result.stderr
    if "count" in entry:
        assert result.stderr.splitlines()[-1].endswith(f": {entry['count']} problem(s)"), \
            result.stderr
