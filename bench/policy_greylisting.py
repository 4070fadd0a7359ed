# Benchmark: policy requests/s and p50/p99 latency of greylisting in mailgate-policyd
# (with its Redis) against postgrey, side by side in one run on loopback TCP ports, same
# delay, no auto-whitelisting, quiet logs. Workloads: all-new triplets (all deferred) and
# a pool of repeated triplets primed, let past the delay and primed again (mostly DUNNO).
# Load: mailgate_policy_load (bench/PolicyLoadGenerator.cpp), one request at a time per
# connection like Postfix's smtpd. Rounds are interleaved (mailgate, postgrey, ...), each
# figure is their median; results go in docs/PERFORMANCE.md. It asserts nothing on timing.
#
# --tracking-comparison measures mailgate-policyd with message tracking (E2, its default)
# against the same daemon with tracking.enabled = false instead of postgrey.
#
#   /usr/bin/python3 bench/policy_greylisting.py [--seconds 5] [--connections 32] [--rounds 3]
#                                                [--tracking-comparison]
import argparse
import grp
import json
import os
import pwd
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))

from devgateway import (ManagedProcess, PolicyDaemon, RedisServer, free_port,  # noqa: E402
                        make_shared_directory, make_subdirectory, wait_for_port)
import bench_setup  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DELAY_S = 1  # greylist delay of both servers; the pool waits past it between primings
DEBIAN_WHITELISTS = Path("/etc/postgrey")  # postgrey's own, from the Debian package
POSTGREY_LEVELS = 10  # TESTBED.md's postgrey figure is at 10 connections


# Tracking's size bound in the comparison: small enough that the run reaches it, so every
# write also removes the oldest record, as on a gateway in service.
TRACKING_MAX_RECORDS = 100000


def greylist_config(arguments, tracking=True):
    """mailgate-policyd's settings on top of PolicyDaemon's base ones (log level aside)."""
    config = {}
    if arguments.tracking_comparison:
        config["tracking"] = {"enabled": tracking, "max_records": TRACKING_MAX_RECORDS}
    if arguments.without_greylist:
        return config
    greylist = {"enabled": True, "delay_s": DELAY_S, "origin_whitelist_after": 0}
    if arguments.default_whitelists:
        greylist["whitelist_clients_file"] = str(DEBIAN_WHITELISTS / "whitelist_clients")
        greylist["whitelist_recipients_file"] = str(DEBIAN_WHITELISTS / "whitelist_recipients")
    config["greylist"] = greylist
    return config


class PostgreyServer:
    """postgrey in the foreground on 127.0.0.1:<port> with a fresh --dbdir (on disk under
    /tmp, or on tmpfs when `tmpfs`), --delay=DELAY_S, no client auto-whitelisting, and
    --quiet (decisions are logged at level 2, so no line per request; warnings still
    go to its log file). Its whitelists are empty files unless `default_whitelists`
    (then Debian's /etc/postgrey lists, which mailgate is given too)."""

    def __init__(self, directory, tmpfs=False, default_whitelists=False):
        self.directory = Path(directory)
        self.port = free_port()
        self.tmpfs = tmpfs
        self.default_whitelists = default_whitelists
        self.dbdir = (Path(tempfile.mkdtemp(prefix="mailgate-bench-postgrey-", dir="/dev/shm"))
                      if tmpfs else make_subdirectory(self.directory, "db"))
        self._process = ManagedProcess("postgrey", self._command(), self.directory / "postgrey.log")

    @property
    def address(self):
        return f"inet:127.0.0.1:{self.port}"

    def _command(self):
        user = _postgrey_user()
        group = grp.getgrgid(user.pw_gid).gr_name
        command = [shutil.which("postgrey"), f"--inet=127.0.0.1:{self.port}",
                   f"--dbdir={self.dbdir}", f"--delay={DELAY_S}", "--auto-whitelist-clients=0",
                   "--quiet", f"--user={user.pw_name}", f"--group={group}"]
        for kind in ("clients", "recipients"):
            whitelist = DEBIAN_WHITELISTS / f"whitelist_{kind}"
            if not self.default_whitelists:
                whitelist = self.directory / f"whitelist_{kind}"
                whitelist.write_text("")
            command.append(f"--whitelist-{kind}={whitelist}")
        return command

    def start(self):
        # postgrey drops root for --user, which must own the BerkeleyDB environment.
        user = _postgrey_user()
        os.chown(self.dbdir, user.pw_uid, user.pw_gid)
        self._process.start()
        wait_for_port("127.0.0.1", self.port, 20, self._process)
        return self

    def stop(self):
        self._process.stop()
        if self.tmpfs:
            shutil.rmtree(self.dbdir, ignore_errors=True)


def _postgrey_user():
    """The Debian package's postgrey user when we are root, else ourselves."""
    if os.geteuid() == 0:
        try:
            return pwd.getpwnam("postgrey")
        except KeyError:
            pass
    return pwd.getpwuid(os.geteuid())


class LoadGenerator:
    """mailgate_policy_load with the pool settings every run of one benchmark shares."""

    def __init__(self, program, arguments):
        self.program = program
        self.pool = ["--triplets", str(arguments.triplets), "--seed", str(arguments.seed),
                     "--client-networks", str(arguments.client_networks)]

    def run(self, address, connections, *options):
        command = [str(self.program), "--server", address, "--connections", str(connections),
                   *self.pool, *options]
        completed = subprocess.run(command, capture_output=True, text=True, timeout=900)
        if not completed.stdout.strip():
            sys.exit(f"{self.program} failed ({completed.returncode}): {completed.stderr}")
        return json.loads(completed.stdout)

    def measure(self, address, workload, connections, seconds):
        return self.run(address, connections, "--workload", workload, "--seconds", str(seconds))

    def prime(self, address, connections):
        return self.run(address, connections, "--prime")


def make_setups(directory, redis, build, arguments):
    """The setups to compare, not started yet: [(name, server)]; mailgate first."""
    mailgate = PolicyDaemon(make_subdirectory(directory, "policyd"), redis, build_directory=build,
                            extra_config=greylist_config(arguments),
                            log_level="warning")
    name = "mailgate-policyd + redis" + (" (NO greylist config)" if arguments.without_greylist
                                         else "")
    setups = [(name, mailgate)]
    if arguments.tracking_comparison:
        untracked = PolicyDaemon(make_subdirectory(directory, "policyd-untracked"), redis,
                                 build_directory=build,
                                 extra_config=greylist_config(arguments, tracking=False),
                                 log_level="warning")
        return [(name + ", tracking on", mailgate), (name + ", tracking off", untracked)]
    peers = [("postgrey", "postgrey", False)]
    if arguments.postgrey_tmpfs:
        peers.append(("postgrey, dbdir on tmpfs", "postgrey-tmpfs", True))
    for peer_name, subdirectory, tmpfs in peers:
        setups.append((peer_name, PostgreyServer(
            make_subdirectory(directory, subdirectory), tmpfs=tmpfs,
            default_whitelists=arguments.default_whitelists)))
    return setups


def start_setups(setups):
    try:
        for _, server in setups:
            server.start()
    except (RuntimeError, TimeoutError) as error:
        explain_start_failure(error)


def explain_start_failure(error):
    text = str(error)
    if "greylist" in text and "unknown" in text:
        sys.exit(f"mailgate-policyd does not know the [greylist] settings yet (this build has "
                 f"no greylisting); --without-greylist measures it answering DUNNO:\n{text}")
    sys.exit(f"a server did not start: {text}")


def address_of(server):
    return server.listen_address if isinstance(server, PolicyDaemon) else server.address


def prime_pools(setups, generator, connections):
    """Each setup sees the pool once (deferred), then again after the delay (passed)."""
    print(f"priming {generator.pool[1]} repeated triplets over {connections} connections, "
          f"twice, {DELAY_S + 1.5:.1f} s apart (replies by action):")
    passes = {name: [generator.prime(address_of(server), connections)] for name, server in setups}
    time.sleep(DELAY_S + 1.5)
    for name, server in setups:
        passes[name].append(generator.prime(address_of(server), connections))
    for name, (first, second) in passes.items():
        print(f"  {name:46} first {describe_actions(first)}; second {describe_actions(second)}"
              + (f"; ERRORS {first['errors'] + second['errors']}"
                 if first["errors"] or second["errors"] else ""))


def measure(setups, generator, levels, arguments):
    """{(setup, workload, connections): [figures of each round]}, interleaved."""
    for _, server in setups:  # warm up: connections accepted, caches filled
        generator.measure(address_of(server), "new", max(levels), 1)
    prime_pools(setups, generator, max(levels))
    figures = {}
    for _ in range(arguments.rounds):
        for level in levels:
            for workload in ("new", "repeated"):
                for name, server in setups:
                    result = generator.measure(address_of(server), workload, level,
                                               arguments.seconds)
                    figures.setdefault((name, workload, level), []).append(result)
    return figures


def describe_actions(result):
    """'DEFER_IF_PERMIT 100%' style: reply actions by their share of the replies."""
    total = sum(result["actions"].values()) or 1
    shares = sorted(result["actions"].items(), key=lambda item: -item[1])
    return ", ".join(f"{word} {100 * count / total:.0f}%" for word, count in shares) or "none"


def combined(rounds):
    """The median figures of the rounds, with errors and actions summed over them."""
    summary = {key: statistics.median(result[key] for result in rounds)
               for key in ("requests_per_second", "p50_us", "p99_us", "max_us")}
    summary["errors"] = sum(result["errors"] for result in rounds)
    summary["error_kinds"] = {}
    summary["actions"] = {}
    for result in rounds:
        for field in ("error_kinds", "actions"):
            for word, count in result[field].items():
                summary[field][word] = summary[field].get(word, 0) + count
    return summary


def print_table(setups, figures, levels, arguments):
    peer = setups[1][0]
    width = max(len(name) for name, _ in setups)
    print(f"\ngreylisting, delay {DELAY_S} s, no auto-whitelisting, pool of {arguments.triplets} "
          f"repeated triplets, {arguments.client_networks} client /24s; median of "
          f"{arguments.rounds} interleaved rounds of {arguments.seconds} s; ratio = req/s "
          f"against {peer}")
    print(f"{'setup':{width}} {'workload':9} {'conn':>4} {'req/s':>8} {'p50 us':>8} "
          f"{'p99 us':>8} {'max us':>8} {'ratio':>6} {'errors':>6}  replies  (rounds, req/s)")
    for level in levels:
        for workload in ("new", "repeated"):
            baseline = combined(figures[(peer, workload, level)])["requests_per_second"]
            for name, _ in setups:
                print_row(name, width, workload, level, figures[(name, workload, level)],
                          baseline)


def print_row(name, width, workload, level, rounds, baseline):
    row = combined(rounds)
    rate = row["requests_per_second"]
    ratio = rate / baseline if baseline else 0
    print(f"{name:{width}} {workload:9} {level:4} {rate:8.0f} {row['p50_us']:8.0f} "
          f"{row['p99_us']:8.0f} {row['max_us']:8.0f} {ratio:6.2f} {row['errors']:6}  "
          f"{describe_actions(row)}  ("
          + " ".join(f"{result['requests_per_second']:.0f}" for result in rounds) + ")")
    if row["errors"]:
        print(f"{'':{width}}   ERRORS by kind: {row['error_kinds']}")


def print_setup_notes(arguments, build, program):
    whitelists = ("both have postgrey's Debian whitelists" if arguments.default_whitelists
                  else "no whitelists")
    print(f"{whitelists}; mailgate-policyd: log level warning, its Redis keeps nothing on disk.\n"
          "postgrey: --quiet; its BerkeleyDB commits every update (one per "
          "request, DUNNO too) with a disk flush of its log unless the dbdir is on tmpfs.\n"
          "Neither logs a line per request.")
    print(f"mailgate-policyd from {build}/bin; load generator {program}")
    if arguments.allow_sanitizer_build:
        print("NOTE: --allow-sanitizer-build: mailgate-policyd (and the load generator, if it "
              "comes from that build) may be ASan+UBSan builds, several times slower")


def print_redis_size(redis):
    keys = redis.client_command("DBSIZE", check=False).stdout.strip()
    memory = [line for line in redis.client_command("INFO", "memory", check=False).stdout
              .splitlines() if line.startswith("used_memory_human:")]
    print(f"redis after the run: {keys} keys, {memory[0].split(':', 1)[1] if memory else '?'}")


def parse_arguments():
    parser = argparse.ArgumentParser(description="greylisting: mailgate-policyd vs postgrey")
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--triplets", type=int, default=5000, help="repeated pool size")
    parser.add_argument("--client-networks", type=int, default=256)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--load-generator", help="mailgate_policy_load to use instead of "
                        "$MAILGATE_BUILD_DIR/bin/mailgate_policy_load")
    bench_setup.add_setup_arguments(parser)
    parser.add_argument("--without-greylist", action="store_true",
                        help="start mailgate-policyd without the [greylist] section (a build "
                        "without greylisting, answering DUNNO)")
    parser.add_argument("--postgrey-tmpfs", action="store_true",
                        help="also measure postgrey with its dbdir on tmpfs (its BerkeleyDB "
                        "flushes its log to disk once per request otherwise)")
    parser.add_argument("--tracking-comparison", action="store_true",
                        help="compare mailgate-policyd with tracking on (its default) and off "
                        "instead of against postgrey")
    parser.add_argument("--default-whitelists", action="store_true",
                        help="give both servers postgrey's Debian whitelists (/etc/postgrey) "
                        "instead of none")
    return parser.parse_args()


def main():
    arguments = parse_arguments()
    if arguments.rounds < 1 or arguments.seconds <= 0:
        sys.exit("--rounds must be at least 1 and --seconds above 0")
    build, _ = bench_setup.prepare(
        arguments, packages=[] if arguments.tracking_comparison else ["postgrey"])
    program = bench_setup.program(build, arguments.load_generator, "mailgate_policy_load")
    bench_setup.program(build, None, "mailgate-policyd")
    generator = LoadGenerator(program, arguments)
    levels = sorted({POSTGREY_LEVELS, arguments.connections})

    signal.signal(signal.SIGTERM, lambda *_: sys.exit("stopped by SIGTERM"))
    directory = make_shared_directory(prefix="mailgate-bench-greylist-")
    redis = RedisServer(make_subdirectory(directory, "redis"))
    setups = []
    try:
        redis.start()
        setups = make_setups(directory, redis, build, arguments)
        start_setups(setups)
        load_before = os.getloadavg()[0]
        figures = measure(setups, generator, levels, arguments)
        print(f"load average (1 min) {load_before:.2f} before, {os.getloadavg()[0]:.2f} after: "
              "other work on the machine skews the rates more than the ratios")
        print_setup_notes(arguments, build, program)
        print_table(setups, figures, levels, arguments)
        print_redis_size(redis)
    finally:
        for _, server in setups:
            server.stop()
        redis.stop()
        shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main()
