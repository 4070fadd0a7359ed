# Benchmark: how many messages per second a private Postfix accepts with mailgate in its
# path (policy daemon at RCPT, milter after DATA) compared with the same Postfix with no
# filter, measured in one run, interleaved A B C A B C, median of the rounds. The load is
# Postfix's own smtp-source; the internal server is Postfix's smtp-sink (C, fast), so the
# sink is not the bottleneck. Only loopback is used. It prints ratios against "postfix,
# no filter"; results go in docs/PERFORMANCE.md. Not a test: it asserts nothing.
#
#   /usr/bin/python3 bench/smtp_throughput.py [--messages 2000] [--sessions 10] [--rounds 3]
import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))

import bench_setup  # noqa: E402
from devgateway import (ManagedProcess, MilterDaemon, PolicyDaemon, PostfixInstance,  # noqa: E402
                        RedisServer, free_port, make_shared_directory, make_subdirectory,
                        wait_for_port)


def start_setups(directory, redis, sink_port):
    """The setups to compare: (name, PostfixInstance, [daemons])."""
    policy = PolicyDaemon(make_subdirectory(directory, "policyd"), redis, log_level="warning")
    milter_unix = MilterDaemon(make_subdirectory(directory, "milter-unix"), redis,
                               log_level="warning")
    milter_inet = MilterDaemon(make_subdirectory(directory, "milter-inet"), redis,
                               transport="inet", log_level="warning")
    daemons = [policy, milter_unix, milter_inet]
    for daemon in daemons:
        daemon.start()

    def postfix(name, **wiring):
        instance = PostfixInstance(make_subdirectory(directory, name), free_port(), sink_port,
                                   **wiring)
        return instance.start()

    setups = [
        ("postfix, no filter", postfix("plain")),
        ("postfix + mailgate policyd + milter (unix socket)",
         postfix("mailgate-unix", policy_service=policy.postfix_address,
                 milter_socket=milter_unix.postfix_address)),
        ("postfix + mailgate milter only (unix socket)",
         postfix("milter-unix", milter_socket=milter_unix.postfix_address)),
        ("postfix + mailgate milter only (TCP socket)",
         postfix("milter-inet", milter_socket=milter_inet.postfix_address)),
    ]
    return setups, daemons


def send_load(port, messages, sessions):
    """Seconds smtp-source needs to hand `messages` 4 KB messages to 127.0.0.1:port."""
    started = time.monotonic()
    subprocess.run(["smtp-source", "-s", str(sessions), "-l", "4096", "-m", str(messages),
                    "-f", "bench@sender.test", "-t", "user@example.test",
                    f"127.0.0.1:{port}"], check=True, capture_output=True, timeout=600)
    return time.monotonic() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    bench_setup.add_setup_arguments(parser)
    arguments = parser.parse_args()
    build, _ = bench_setup.prepare(arguments)
    for name in ("mailgate-policyd", "mailgate-milter"):
        bench_setup.program(build, None, name)

    directory = make_shared_directory(prefix="mailgate-bench-")
    redis = RedisServer(make_subdirectory(directory, "redis"))
    sink_port = free_port()
    sink = ManagedProcess("smtp-sink", ["smtp-sink", "-u", "postfix", "-c",
                                        f"127.0.0.1:{sink_port}", "256"],
                          directory / "smtp-sink.log")
    started = [redis]
    setups, daemons = [], []
    try:
        redis.start()
        sink.start()
        wait_for_port("127.0.0.1", sink_port, 10)
        setups, daemons = start_setups(directory, redis, sink_port)
        rates = {name: [] for name, _ in setups}
        for name, instance in setups:  # warm up: processes forked, caches filled
            send_load(instance.smtp_port, 200, arguments.sessions)
        for _ in range(arguments.rounds):
            for name, instance in setups:
                seconds = send_load(instance.smtp_port, arguments.messages, arguments.sessions)
                rates[name].append(arguments.messages / seconds)
        baseline = statistics.median(rates[setups[0][0]])
        print(f"{arguments.messages} messages of 4 KB, {arguments.sessions} sessions, "
              f"median of {arguments.rounds} interleaved rounds")
        print(f"{'setup':55} {'msg/s':>8} {'ratio':>6}  rounds")
        for name, _ in setups:
            median = statistics.median(rates[name])
            rounds = " ".join(f"{rate:.0f}" for rate in rates[name])
            print(f"{name:55} {median:8.0f} {median / baseline:6.2f}  {rounds}")
    finally:
        for _, instance in reversed(setups):
            instance.stop()
        for daemon in daemons:
            daemon.stop()
        sink.stop()
        for service in started:
            service.stop()
        shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main()
