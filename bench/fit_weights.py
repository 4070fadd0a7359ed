# The weight fitter: fits the content symbols' scores on the SpamAssassin corpus's TRAINING
# groups (spam-1, easy-ham-1, hard-ham-1) by L2-regularised logistic regression, as
# SpamAssassin fits its rules' scores on its own corpora, so mailgate's default weights are
# measured, not guessed. Never the -2 evaluation groups.
#
# For each training message: the symbols of every check but the statistical filter and
# the auto-whitelist (`mailgatectl scan --json --no-redis`), plus its Bayes band from an
# out-of-fold probability (`mailgate_bayes_cv --out-of-fold`: a filter that did not learn
# the message; Bayes looks perfect on the messages it learned). The model's cut is chosen
# on 5-fold predictions of the model itself: the lowest cut wrongly catching at most
# --max-ham-share of ham (0.1%; 1% for the second score set, used when Bayes has no opinion:
# fitted without the Bayes bands). Then the model fitted on all of them is written as
# scores: score = 5.0 * w / (cut - bias), so "score >= 5.0" is exactly "the model says spam
# at that cut". Symbols seen fewer than --min-seen times keep their default. As in
# SpamAssassin's score generation, only the symbols meant as evidence of ham (the Bayes
# ham bands) may get a negative weight: a check that marks something suspicious never
# lowers a score, whatever the corpus says (else leaving a field out would pay).
#
# Prints each symbol's counts, default and fitted score; --write replaces the
# `symbol_weights` line of a config file (the example config ships the fitted weights) and
# the `weight` of each fitted phrase in the default phrase list beside it
# (phrases.d/50-default.toml: a phrase's weight lives in its file, not in symbol_weights).
#
#   /usr/bin/python3 bench/fit_weights.py [--write config/mailgate.toml] [--no-setup]
import argparse
import math
import random
import re
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))

import bench_setup  # noqa: E402
from detection import TRAINING, files_of, phrases_section, scan_json  # noqa: E402
from milter_content import corpus_data  # noqa: E402

# The symbols that may weigh toward ham.
NICE = {"BAYES_HAM_01", "BAYES_HAM_10"}

BAYES_BANDS = [("BAYES_SPAM_99", 0.99), ("BAYES_SPAM_90", 0.90), ("BAYES_SPAM_70", 0.70),
               ("BAYES_UNSURE", 0.10), ("BAYES_HAM_10", 0.01), ("BAYES_HAM_01", -1.0)]


def parse_arguments():
    parser = argparse.ArgumentParser(description="fit the content symbols' weights on -1")
    parser.add_argument("--cache-dir", help="where the corpus is installed (build/benchdata)")
    parser.add_argument("--write", help="a config file whose symbol_weights line to replace")
    parser.add_argument("--max-ham-share", type=float, default=0.001)
    # Without Bayes the other evidence cannot reach 0.1% ham at any useful recall; 1% is
    # well below what SpamAssassin's own no-Bayes scores do on the same training ham
    # (2.55%: 70 of 2,750, `bench/detection.py --spamassassin-on-training`, 2026-12-07), and
    # mail is tagged, not rejected, by default.
    parser.add_argument("--max-ham-share-without-bayes", type=float, default=0.01,
                        help="the same for the score set used when Bayes has no opinion")
    parser.add_argument("--min-seen", type=int, default=5)
    parser.add_argument("--l2", type=float, default=1.0)
    bench_setup.add_setup_arguments(parser)
    return parser.parse_args()


def bayes_band(probability):
    for name, at_least in BAYES_BANDS:
        if probability >= at_least:
            return name
    return BAYES_BANDS[-1][0]


def out_of_fold_bands(build, directory, labelled):
    listing = directory / "train.list"
    listing.write_text("".join(f"{'spam' if spam else 'ham'} {path}\n"
                               for path, spam in labelled))
    probabilities = directory / "oof.txt"
    subprocess.run([str(build / "bin" / "mailgate_bayes_cv"), "--list", str(listing),
                    "--out-of-fold", str(probabilities)], check=True, stdout=subprocess.DEVNULL)
    bands = {}
    for line in probabilities.read_text().splitlines():
        _, probability, path = line.split(" ", 2)
        bands[path] = bayes_band(float(probability))
    return bands


def scanned_symbols(build, directory, labelled):
    """{path: ({symbol: default score}, score)} from mailgatectl scan without Redis."""
    config = directory / "mailgate.toml"
    config.write_text("[log]\nlevel = \"error\"\n" + phrases_section())
    paths = [path for path, _ in labelled]
    found = {}
    for path, verdict in zip(paths, scan_json(build, config, paths, "--no-redis")):
        found[path] = {symbol["name"]: symbol["score"] for symbol in verdict["symbols"]
                       if symbol["check"] not in ("bayes", "awl", "bayes_autolearn")}
    return found


def fit(rows, labels, features, l2, rounds=300):
    """Logistic regression by full-batch gradient descent with Adam; returns (weights, bias)."""
    weights = [0.0] * len(features)
    bias = 0.0
    first = [0.0] * (len(features) + 1)
    second = [0.0] * (len(features) + 1)
    rate, beta1, beta2 = 0.1, 0.9, 0.999
    count = len(rows)
    for step in range(1, rounds + 1):
        gradient = [0.0] * (len(features) + 1)
        for active, label in zip(rows, labels):
            z = bias + sum(weights[i] for i in active)
            error = 1 / (1 + math.exp(-max(-30.0, min(30.0, z)))) - label
            gradient[-1] += error
            for i in active:
                gradient[i] += error
        for i in range(len(features)):
            gradient[i] = gradient[i] / count + l2 * weights[i] / count
        gradient[-1] /= count
        for i, g in enumerate(gradient):
            first[i] = beta1 * first[i] + (1 - beta1) * g
            second[i] = beta2 * second[i] + (1 - beta2) * g * g
            step_size = rate * (first[i] / (1 - beta1 ** step)) / (
                math.sqrt(second[i] / (1 - beta2 ** step)) + 1e-8)
            if i < len(features):
                weights[i] -= step_size
                if features[i] not in NICE:
                    weights[i] = max(0.0, weights[i])
            else:
                bias -= step_size
    return weights, bias


def choose_cut(rows, labels, features, l2, max_ham_share, folds=5):
    """The lowest cut on the model's value (without the bias) wrongly catching at most
    max_ham_share of ham, from 5-fold predictions."""
    order = list(range(len(rows)))
    random.Random(7).shuffle(order)
    predictions = [0.0] * len(rows)
    for fold in range(folds):
        train = [i for position, i in enumerate(order) if position % folds != fold]
        weights, bias = fit([rows[i] for i in train], [labels[i] for i in train], features, l2)
        for position, i in enumerate(order):
            if position % folds == fold:
                predictions[i] = bias + sum(weights[j] for j in rows[i])
    ham = sorted((p for p, label in zip(predictions, labels) if not label), reverse=True)
    allowed = int(max_ham_share * len(ham))
    # Above the (allowed+1)-th highest ham value, at most `allowed` ham are caught.
    cut = ham[allowed] + 1e-9 if allowed < len(ham) else ham[-1]
    spam = [p for p, label in zip(predictions, labels) if label]
    recall = sum(1 for p in spam if p >= cut) / len(spam)
    caught = sum(1 for p in ham if p >= cut)
    return cut, recall, caught, len(ham)


def phrase_symbol(name_or_text):
    """The symbol of a phrase entry, as gateway/checks/phrases/PhraseFile.cpp names it."""
    letters = "".join(c.upper() if c.isascii() and c.isalnum() else "_"
                      for c in name_or_text)
    return ("PHRASE_" + letters)[:64]


def write_phrase_weights(path, scores):
    """Sets `weight = ...` of each [[phrase]] of the file whose symbol has a fitted score;
    the others keep theirs. Returns how many were set."""
    blocks = re.split(r"(?m)^(?=\[\[phrase\]\])", Path(path).read_text())
    written = 0
    for number, block in enumerate(blocks):
        named = re.search(r"(?m)^name = \"(.*)\"$", block) or \
            re.search(r"(?m)^text = \"(.*)\"$", block)
        if not block.startswith("[[phrase]]") or not named:
            continue
        score = scores.get(phrase_symbol(named.group(1)))
        if score is None:
            continue
        blocks[number], count = re.subn(r"(?m)^weight = .*$", f"weight = {score:g}", block)
        if count != 1:
            sys.exit(f"{path}: phrase {named.group(1)!r} needs exactly one weight line")
        written += 1
    Path(path).write_text("".join(blocks))
    return written


def fitted_scores(symbols, labelled, features, arguments, max_ham_share):
    """Fits on the given features; returns (scores, 5-fold recall, ham caught, hams)."""
    index = {name: i for i, name in enumerate(features)}
    rows = [[index[name] for name in symbols[path] if name in index] for path, _ in labelled]
    labels = [1 if spam else 0 for _, spam in labelled]
    cut, recall, caught, hams = choose_cut(rows, labels, features, arguments.l2, max_ham_share)
    weights, bias = fit(rows, labels, features, arguments.l2)
    scale = 5.0 / (cut - bias) if cut > bias else 0.0
    scores = {name: round(weights[index[name]] * scale, 2) for name in features}
    return scores, recall, caught, hams


def write_list_setting(path, key, scores):
    entries = ", ".join(f'"{name}={score:g}"' for name, score in sorted(scores.items()))
    text = Path(path).read_text()
    replaced, count = re.subn(rf"^{key} = .*$", f"{key} = [{entries}]", text,
                              flags=re.MULTILINE)
    if count != 1:
        sys.exit(f"{path}: expected one {key} line, found {count}")
    Path(path).write_text(replaced)


def main():
    arguments = parse_arguments()
    build, kind = bench_setup.prepare(arguments, ())
    data = corpus_data(arguments, build)
    labelled = [(path, True) for path in files_of(data, TRAINING["spam"])] + \
        [(path, False) for path in files_of(data, TRAINING["ham"])]
    with tempfile.TemporaryDirectory(prefix="mailgate-fit-weights-") as temporary:
        directory = Path(temporary)
        bands = out_of_fold_bands(build, directory, labelled)
        symbols = scanned_symbols(build, directory, labelled)
    defaults = {}
    seen = {}
    for path, _ in labelled:
        symbols[path][bands[path]] = None
        for name, score in symbols[path].items():
            if score is not None:
                defaults.setdefault(name, score)
            seen[name] = seen.get(name, 0) + 1
    for name, _ in BAYES_BANDS:
        defaults.setdefault(name, None)
    features = sorted(name for name, count in seen.items() if count >= arguments.min_seen)
    labels = [1 if spam else 0 for _, spam in labelled]
    scores, recall, caught, hams = fitted_scores(symbols, labelled, features, arguments,
                                                 arguments.max_ham_share)
    # The second score set: for messages the statistical filter has no opinion on.
    plain = [name for name in features if name not in dict(BAYES_BANDS)]
    plain_scores, plain_recall, plain_caught, _ = fitted_scores(
        symbols, labelled, plain, arguments, arguments.max_ham_share_without_bayes)
    print(f"{len(labelled)} training messages ({sum(labels)} spam), {len(features)} symbols "
          f"seen at least {arguments.min_seen} times; {kind} build {build}")
    print(f"5-fold, at the cut: spam recall {recall:.1%}, ham caught {caught} of {hams} "
          f"(at most {arguments.max_ham_share:.2%} allowed); without Bayes: recall "
          f"{plain_recall:.1%}, ham caught {plain_caught}")
    print(f"{'symbol':32} {'spam':>5} {'ham':>5} {'default':>8} {'fitted':>7} {'no Bayes':>8}")
    for name in sorted(seen, key=lambda n: -seen[n]):
        spam_count = sum(1 for (path, spam) in labelled if spam and name in symbols[path])
        default = defaults.get(name)
        fitted = scores.get(name)
        print(f"{name:32} {spam_count:5d} {seen[name] - spam_count:5d} "
              f"{'' if default is None else f'{default:8.2f}':>8} "
              f"{'(too rare)' if fitted is None else f'{fitted:7.2f}':>7} "
              f"{'' if name not in plain_scores else f'{plain_scores[name]:8.2f}':>8}")
    if arguments.write:
        phrases = {name: score for name, score in scores.items() if name.startswith("PHRASE_")}
        others = {name: score for name, score in scores.items() if name not in phrases}
        write_list_setting(arguments.write, "symbol_weights", others)
        print(f"wrote {len(others)} weights to {arguments.write} (scoring.symbol_weights)")
        write_list_setting(arguments.write, "symbol_weights_without_bayes", plain_scores)
        print(f"wrote {len(plain_scores)} weights to {arguments.write} "
              "(scoring.symbol_weights_without_bayes)")
        phrase_file = Path(arguments.write).parent / "phrases.d" / "50-default.toml"
        written = write_phrase_weights(phrase_file, phrases)
        print(f"wrote {written} phrase weights to {phrase_file}")


if __name__ == "__main__":
    main()
