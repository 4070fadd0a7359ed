# Benchmark of the quarantine (issue 14), two parts:
# (a) through a private Postfix (smtp-sink as the internal server), the SpamAssassin corpus
#     sent by build/bin/mailgate_smtp_corpus, 10 sessions, to two mailgate-milters that
#     differ only in one rule that matches every message: action "quarantine" (every
#     message written durably to the spool and indexed) against action "deliver" (every
#     message tagged and delivered). Rounds are interleaved; figures are medians. Goal:
#     the quarantining milter keeps at least 0.8 of the tagging one's throughput.
# (b) `mailgatectl quarantine search` over an index of 100,000 entries (1,000 senders,
#     5,000 recipients, written into Redis with the documented key layout), 100 sender
#     and 100 recipient queries, each timed as the postmaster sees it (the whole
#     mailgatectl process): p50 and p99. Goal: p99 under 50 ms.
# Loopback only. Not a test: it asserts nothing.
#
#   /usr/bin/python3 bench/quarantine.py [--messages N] [--rounds N] [--entries N]
#                                        [--no-postfix] [--no-search] [--no-setup]
import argparse
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))

from devgateway import (ManagedProcess, MilterDaemon, PostfixInstance,  # noqa: E402
                        RedisServer, free_port, make_shared_directory, make_subdirectory,
                        wait_for_port)
import bench_setup  # noqa: E402
import milter_content  # noqa: E402

RULE = """[[rule]]
name = "EVERY_MESSAGE"
action = "{action}"
[[rule.condition]]
item = "size"
condition = "less_than"
pattern = "1000000"
"""


def parse_arguments():
    parser = argparse.ArgumentParser(description="quarantine benchmark")
    parser.add_argument("--messages", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=10)
    parser.add_argument("--entries", type=int, default=100000)
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--cache-dir", help="where the corpus is installed")
    parser.add_argument("--spool-parent", help="make the quarantine spool under this "
                        "directory (default: the benchmark's own, on the same file system "
                        "as Postfix's queue)")
    parser.add_argument("--no-postfix", action="store_true", help="skip part (a)")
    parser.add_argument("--no-search", action="store_true", help="skip part (b)")
    bench_setup.add_setup_arguments(parser)
    return parser.parse_args()


def milter_for(started, directory, redis, action, spool_parent):
    rules = make_subdirectory(directory, f"rules-{action}")
    (rules / "50-every-message.toml").write_text(RULE.format(action=action))
    extra = {**milter_content.SHIPPED_CHECKS, "rules": {"directory": str(rules)}}
    if spool_parent:
        extra["quarantine"] = {"directory": str(Path(spool_parent) / f"spool-{os.getpid()}")}
    return started.start(MilterDaemon(
        make_subdirectory(directory, f"mailgate-{action}"), redis, transport="unix",
        log_level="warning", extra_config=extra))


def measure_postfix(started, directory, arguments, build):
    sender = bench_setup.program(build, None, "mailgate_smtp_corpus")
    corpus, count = milter_content.corpus_list(arguments, build, directory)
    arguments.messages = min(arguments.messages, count)
    redis = started.start(RedisServer(make_subdirectory(directory, "redis")))
    milters = {action: milter_for(started, directory, redis, action, arguments.spool_parent)
               for action in ("deliver", "quarantine")}
    sink_port = free_port()
    sink = started.start(ManagedProcess("smtp-sink", ["smtp-sink", "-u", "postfix", "-c",
                                                      f"127.0.0.1:{sink_port}", "256"],
                                        directory / "smtp-sink.log"))
    wait_for_port("127.0.0.1", sink_port, 10, sink)
    setups = []
    for action, milter in milters.items():
        # in_flow_delay 0 on both: Postfix's cleanup waits for a token per message that the
        # queue manager gives back only for mail it delivers, so with every message held
        # (nothing delivered) each message would wait up to in_flow_delay (1 s): a flow
        # control artefact of the benchmark's "all quarantined", not the spool's cost.
        instance = started.start(PostfixInstance(
            make_subdirectory(directory, f"postfix-{action}"), free_port(), sink_port,
            milter_socket=milter.postfix_address, extra_main_cf={"in_flow_delay": "0s"}))
        setups.append((f"every message {'tagged and delivered' if action == 'deliver' else 'quarantined'}",
                       instance, lambda milter=milter: [milter.pid]))
    figures = milter_content.measure_postfix(sender, corpus, setups, arguments)
    names = list(figures)
    rate = {name: milter_content._median(figures[name], "messages_per_second") for name in names}
    print(f"\n(a) through Postfix ({arguments.messages} corpus messages per run, "
          f"{arguments.connections} sessions, median of {arguments.rounds} interleaved rounds)")
    print(f"{'setup':40} {'msg/s':>7} {'p99 ms':>7} {'milter ms/msg':>13} {'errors':>6}  rounds")
    for name in names:
        rounds = figures[name]
        cpu = milter_content._median(rounds, "milter_cpu_ms_per_message")
        print(f"{name:40} {rate[name]:7.0f} "
              f"{milter_content._median(rounds, 'p99_us') / 1000:7.1f} "
              f"{cpu if cpu is not None else float('nan'):13.2f} "
              f"{sum(figure['errors'] for figure in rounds):6}  "
              + " ".join(f"{figure['messages_per_second']:.0f}" for figure in rounds))
    spool = (Path(arguments.spool_parent) / f"spool-{os.getpid()}" if arguments.spool_parent
             else milters["quarantine"].directory / "quarantine")
    held = len(list(spool.glob("*/*.toml")))
    if arguments.spool_parent:
        shutil.rmtree(spool, ignore_errors=True)
    print(f"entries in the quarantining milter's spool: {held}")
    print(f"goal (printed, not asserted): quarantining / tagging = "
          f"{rate[names[1]] / rate[names[0]]:.2f} (at least 0.8)")


# ----- (b) search -----

def resp(*arguments):
    out = [f"*{len(arguments)}\r\n".encode()]
    for argument in arguments:
        data = str(argument).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(data), data))
    return b"".join(out)


def populate(redis, entries):
    """Writes `entries` index entries as QuarantineIndex writes them (docs/quarantine.md)."""
    prefix = "mailgate:quarantine:{quarantine}:"
    generator = random.Random(14)
    now = int(time.time())
    words = ["offer", "invoice", "watches", "meeting", "loan", "pharmacy", "report", "free",
             "urgent", "hello", "account", "prize", "update", "order", "delivery"]
    connection = socket.create_connection((redis.host, redis.port))
    batch = []
    sent = 0

    def flush():
        nonlocal sent
        connection.sendall(b"".join(batch))
        expected = len(batch)
        received = b""
        while received.count(b"\r\n") < expected:  # every answer here is one line
            received += connection.recv(1 << 20)
        sent += expected
        batch.clear()

    for number in range(entries):
        identifier = f"BENCH{number:013d}"
        sender = f"sender{generator.randrange(1000)}@spam{generator.randrange(50)}.example"
        recipients = [f"user{generator.randrange(5000)}@example.test"
                      for _ in range(generator.choice((1, 1, 1, 2, 3)))]
        subject = " ".join(generator.sample(words, 3))
        when = now - generator.randrange(30 * 86400)
        score = generator.uniform(5, 30)
        fields = ["node", "bench", "time", when, "sender", sender, "subject", subject,
                  "score", f"{score:.3f}", "reason", f"spam score {score:.1f}", "size", 4000,
                  "to", "\n".join(recipients)]
        for recipient in recipients:
            fields += [f"s:{recipient}", "quarantined"]
        batch.append(resp("HSET", f"{prefix}entry:{identifier}", *fields))
        batch.append(resp("ZADD", f"{prefix}time", when, identifier))
        batch.append(resp("ZADD", f"{prefix}sender:{sender}", when, identifier))
        for recipient in recipients:
            batch.append(resp("ZADD", f"{prefix}recipient:{recipient}", when, identifier))
        for word in subject.split():
            batch.append(resp("ZADD", f"{prefix}word:{word}", when, identifier))
        batch.append(resp("ZADD", f"{prefix}reason:spam", when, identifier))
        if len(batch) > 5000:
            flush()
    if batch:
        flush()
    connection.close()
    return sent


def measure_search(started, directory, arguments, build):
    redis = started.start(RedisServer(make_subdirectory(directory, "redis-search")))
    begun = time.monotonic()
    commands = populate(redis, arguments.entries)
    print(f"\n(b) index of {arguments.entries:,} entries written ({commands:,} commands, "
          f"{time.monotonic() - begun:.1f} s)")
    config = directory / "search.toml"
    config.write_text(f'[redis]\nhost = "{redis.host}"\nport = {redis.port}\n'
                      f'key_prefix = "mailgate:"\n[quarantine]\n'
                      f'directory = "{directory / "no-spool-here"}"\n')
    mailgatectl = bench_setup.program(build, None, "mailgatectl")
    generator = random.Random(99)
    for kind, make in (("--sender", lambda: f"sender{generator.randrange(1000)}"
                                            f"@spam{generator.randrange(50)}.example"),
                       ("--recipient", lambda: f"user{generator.randrange(5000)}@example.test")):
        times = []
        found = 0
        for _ in range(arguments.queries):
            start = time.monotonic()
            completed = subprocess.run([str(mailgatectl), "--config", str(config), "quarantine",
                                        "search", kind, make(), "--limit", "50"],
                                       capture_output=True, text=True, timeout=60)
            times.append((time.monotonic() - start) * 1000)
            if completed.returncode != 0:
                sys.exit(f"search failed: {completed.stderr}")
            found += len(completed.stdout.splitlines())
        times.sort()
        p99 = times[min(len(times) - 1, int(round(0.99 * len(times))) - 1)]
        print(f"  search {kind} ({arguments.queries} queries, {found} entries listed): "
              f"p50 {statistics.median(times):.1f} ms, p99 {p99:.1f} ms, max {times[-1]:.1f} ms "
              f"(goal: p99 under 50 ms)")


def main():
    arguments = parse_arguments()
    build, kind = bench_setup.prepare(arguments)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("stopped by SIGTERM"))
    directory = make_shared_directory(prefix="mailgate-bench-quarantine-")
    started = milter_content.Started()
    print(f"{kind} build {build}; load average (1 min) {os.getloadavg()[0]:.2f}")
    try:
        if not arguments.no_postfix:
            measure_postfix(started, directory, arguments, build)
        if not arguments.no_search:
            measure_search(started, directory, arguments, build)
        print(f"\nload average (1 min) {os.getloadavg()[0]:.2f} at the end")
    finally:
        started.stop_all()
        shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main()
