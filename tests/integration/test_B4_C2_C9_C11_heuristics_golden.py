# The content heuristics as golden data (MISSION B4 header forensics, C9 phrases, C11 HTML,
# C2 URLs): each file in tests/data/heuristics/cases/ holds messages and the symbols each
# must and must not draw, scanned with `mailgatectl scan --json --no-redis` (the milter's
# content pipeline, offline). tests/data/heuristics/README.md gives the format. Not tested
# here: the milter and Postfix around the pipeline (test_C7_content_end_to_end.py and each
# check's own integration test), scores (fitted by bench/fit_weights.py), speed.
import json
import tomllib
from pathlib import Path

import pytest

from devgateway.mailgate_daemons import run_mailgatectl

SOURCE = Path(__file__).resolve().parents[2]
DATA = SOURCE / "tests/data/heuristics"
MESSAGES = DATA / "messages"
DEFAULT_SENDER = "alice@sender.test"
DEFAULT_RECIPIENTS = ["bob@example.test"]
FILE_KEYS = {"comment", "config", "files", "scan"}
SCAN_KEYS = {"id", "comment", "message", "message_file", "sender", "recipients", "present",
             "absent", "detail", "xfail"}


def load(path):
    return tomllib.loads(path.read_text(encoding="utf-8"))


def cases():
    for path in sorted((DATA / "cases").glob("*.toml")):
        document = load(path)
        for entry in document.get("scan", []):
            marks = ([pytest.mark.xfail(strict=True, reason=entry["xfail"])]
                     if "xfail" in entry else [])
            yield pytest.param(path, document, entry, id=f"{path.stem}:{entry['id']}",
                               marks=marks)


def write_config(directory, document):
    for name, text in document.get("files", {}).items():
        target = directory / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    config = directory / "mailgate.toml"
    text = document.get("config", "").replace("{source}", str(SOURCE))
    config.write_text(text, encoding="utf-8")
    return config


def known_symbols(config):
    result = run_mailgatectl("--config", config, "symbols")
    assert result.returncode == 0, result.stdout + result.stderr
    return {line.split("\t")[1] for line in result.stdout.splitlines()}


def scan(directory, config, entry):
    message = directory / "message.eml"
    if "message_file" in entry:
        message.write_bytes((MESSAGES / entry["message_file"]).read_bytes())
    else:
        message.write_bytes(entry["message"].encode("utf-8"))
    arguments = ["--config", config, "scan", "--json", "--no-redis",
                 "--sender", entry.get("sender", DEFAULT_SENDER)]
    for recipient in entry.get("recipients", DEFAULT_RECIPIENTS):
        arguments += ["--rcpt", recipient]
    result = run_mailgatectl(*arguments, message)
    assert result.returncode == 0, result.stdout + result.stderr
    [line] = result.stdout.splitlines()
    return json.loads(line)


@pytest.mark.parametrize("path,document,entry", cases())
def test_heuristics_golden(tmp_path, path, document, entry):
    assert set(document) <= FILE_KEYS, f"{path.name}: unknown keys {set(document) - FILE_KEYS}"
    assert set(entry) <= SCAN_KEYS, f"{path.name}: unknown keys {set(entry) - SCAN_KEYS}"
    assert ("message" in entry) != ("message_file" in entry), f"{path.name}: one message"
    named = set(entry.get("present", [])) | set(entry.get("absent", [])) | set(
        entry.get("detail", {}))
    assert named, f"{path.name}: {entry['id']} expects nothing"
    config = write_config(tmp_path, document)
    unknown = named - known_symbols(config)
    assert not unknown, f"{path.name}: not symbols of any check: {sorted(unknown)}"
    result = scan(tmp_path, config, entry)
    assert result["recipients"], result
    for recipient in result["recipients"]:
        reported = {symbol["name"]: symbol["detail"] for symbol in recipient["symbols"]}
        where = f"recipient {recipient['recipient']}: reported {sorted(reported)}; "
        for name in entry.get("present", []):
            assert name in reported, where + f"{name} missing"
        for name in entry.get("absent", []):
            assert name not in reported, where + f"{name} reported: {reported[name]!r}"
        for name, text in entry.get("detail", {}).items():
            assert name in reported, where + f"{name} missing"
            assert text in reported[name], where + f"{name} reason {reported[name]!r}"
