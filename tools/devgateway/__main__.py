# `python3 -m devgateway` (with tools/ on PYTHONPATH): run a whole local mail gateway on
# 127.0.0.1 until Ctrl-C or SIGTERM, then stop everything it started. It prints how
# to send a test message and where mail and logs land. It is for trying mailgate by
# hand; it does not build the daemons (scripts/run-gateway.sh does) or daemonize.
import argparse
import signal
import sys
from pathlib import Path

from .local_gateway import LocalGateway


def parse_arguments(argv):
    parser = argparse.ArgumentParser(prog="python3 -m devgateway",
                                     description="Run a local mailgate gateway on loopback.")
    parser.add_argument("--directory", default="/tmp/mailgate-gateway",
                        help="where configs, logs, queue and delivered mail go "
                             "(every directory on its path must be traversable by user "
                             "postfix; default: %(default)s)")
    parser.add_argument("--smtp-port", type=int, default=2525,
                        help="Postfix's port on 127.0.0.1 (default: %(default)s)")
    parser.add_argument("--build-dir", default=None,
                        help="mailgate build directory (default: $MAILGATE_BUILD_DIR or build/)")
    parser.add_argument("--log-level", default="info",
                        choices=["error", "warning", "info", "debug"])
    parser.add_argument("--without-policy-daemon", action="store_true",
                        help="run Postfix without mailgate-policyd")
    parser.add_argument("--without-milter", action="store_true",
                        help="run Postfix without mailgate-milter")
    return parser.parse_args(argv)


def describe(gateway):
    lines = [
        f"mailgate local gateway: Postfix on 127.0.0.1:{gateway.smtp_port}, "
        f"internal domain example.test",
        "",
        "Send a test message:",
        f"  swaks --server 127.0.0.1:{gateway.smtp_port} --from sender@sender.test "
        f"--to user@example.test",
        "  (add --xclient-addr 192.0.2.1 --xclient-name mx.sender.test to look like an "
        "Internet client)",
        "",
        f"Delivered messages: {gateway.sink.messages_directory}/<n>.eml (+ <n>.json envelope)",
        f"Postfix queue:      postqueue -c {gateway.postfix.config_directory} -p",
        "Logs:",
    ]
    lines += [f"  {name:17} {path}" for name, path in gateway.log_paths().items()]
    lines += ["", "Ctrl-C to stop."]
    return "\n".join(lines)


def _raise_keyboard_interrupt(signal_number, frame):
    raise KeyboardInterrupt


def main(argv=None):
    arguments = parse_arguments(argv)
    signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)
    # Also when started in the background, where SIGINT arrives ignored.
    signal.signal(signal.SIGINT, _raise_keyboard_interrupt)
    gateway = LocalGateway(Path(arguments.directory), smtp_port=arguments.smtp_port,
                           build_directory=arguments.build_dir,
                           with_policy_daemon=not arguments.without_policy_daemon,
                           with_milter=not arguments.without_milter,
                           log_level=arguments.log_level)
    # A Postfix left running in this directory by a killed earlier run is ours to stop.
    gateway.postfix.stop()
    print("Starting Redis, the SMTP sink, the mailgate daemons and Postfix...", flush=True)
    try:
        gateway.start()  # on failure it stops what it had started
    except KeyboardInterrupt:
        return 130
    except Exception as error:
        print(f"devgateway: could not start the gateway: {error}", file=sys.stderr)
        return 1
    try:
        print(describe(gateway), flush=True)
        while True:
            signal.pause()
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut the stop
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        print("\nStopping...", flush=True)
        gateway.stop()
        print("Stopped.", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
