# Benchmark: how many times mailgate-milter waits for Redis per message, and its rate,
# when every message has several recipients who all have personal lists in Redis and the
# auto-whitelist is on: the reads the content stage makes for one message. The SpamAssassin
# corpus goes straight to the milter over the milter protocol (mailgate_milter_bench,
# unix socket, 10 connections); the milter counts its waits on Redis in its Redis client
# and logs the total with the number of messages when it stops (milter_stopped
# redis_waits=N messages=M). Loopback only; it asserts nothing.
#
#   /usr/bin/python3 bench/milter_redis_waits.py [--recipients 5] [--messages 2000] [--rounds 3]
import argparse
import re
import shutil
import signal
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))

from devgateway import MilterDaemon, RedisServer, make_shared_directory, make_subdirectory  # noqa: E402
import bench_setup  # noqa: E402
from milter_content import corpus_list, run_json  # noqa: E402


def parse_arguments():
    parser = argparse.ArgumentParser(description="Redis waits per message of mailgate-milter")
    parser.add_argument("--recipients", type=int, default=5)
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=10)
    parser.add_argument("--cache-dir", help="where the corpus is installed "
                        "(default: $MAILGATE_BUILD_DIR/benchdata)")
    bench_setup.add_setup_arguments(parser)
    return parser.parse_args()


def recipients(count):
    return [f"user{number}@example.test" for number in range(1, count + 1)]


def fill_personal_lists(redis, addresses):
    """Each recipient gets a white and a black list that no corpus sender matches, so
    the lists are read and judged but decide nothing."""
    for address in addresses:
        for kind, entry in (("white", "friend@partner.example"), ("black", "*.blocked.example")):
            key = f"mailgate:lists:{{{address}}}:{kind}"
            subprocess.run(["redis-cli", "-h", redis.host, "-p", str(redis.port), "SADD", key,
                            entry], check=True, capture_output=True)


def stopped_counts(daemon):
    line = daemon.wait_for_log(r"event=milter_stopped [^\n]*").group(0)
    waits = int(re.search(r"redis_waits=(\d+)", line).group(1))
    messages = int(re.search(r"messages=(\d+)", line).group(1))
    return waits, messages


def main():
    arguments = parse_arguments()
    build, kind = bench_setup.prepare(arguments)
    bench = bench_setup.program(build, None, "mailgate_milter_bench")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("stopped by SIGTERM"))
    directory = make_shared_directory(prefix="mailgate-bench-waits-")
    redis = RedisServer(make_subdirectory(directory, "redis"))
    addresses = recipients(arguments.recipients)
    rates, per_message = [], []
    try:
        redis.start()
        corpus, count = corpus_list(arguments, build, directory)
        fill_personal_lists(redis, addresses)
        print(f"{arguments.messages} messages of the SpamAssassin corpus per round, "
              f"{arguments.recipients} recipients each, all with personal lists in Redis, "
              f"auto-whitelist on; {kind} build {build}")
        for round_number in range(arguments.rounds):
            milter = MilterDaemon(make_subdirectory(directory, f"milter-{round_number}"), redis,
                                  log_level="info", build_directory=build,
                                  extra_config={"awl": {"enabled": True},
                                                "redis": {"health_check_interval_s": 3600}})
            milter.start()
            command = [bench, "--milter", milter.socket_spec, "--list", corpus, "--connections",
                       arguments.connections, "--messages", arguments.messages]
            for address in addresses:
                command += ["--recipient", address]
            try:
                figures = run_json(command)
            finally:
                milter.stop()
            waits, messages = stopped_counts(milter)
            rates.append(figures["messages_per_second"])
            per_message.append(waits / max(messages, 1))
            print(f"round {round_number + 1}: {figures['messages_per_second']:.0f} msg/s, "
                  f"{messages} messages decided, {waits} waits on Redis: "
                  f"{waits / max(messages, 1):.2f} per message; results {figures['results']}")
        print(f"median: {statistics.median(rates):.0f} msg/s, "
              f"{statistics.median(per_message):.2f} waits on Redis per message "
              f"({arguments.recipients} recipients)")
    finally:
        redis.stop()
        shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main()
