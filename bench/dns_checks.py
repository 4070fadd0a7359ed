# Benchmark: SPF evaluations per second with a warm cache and the latency (p50/p99/max)
# of a DNSBL check over 4 zones, for mailgate (build/bin/mailgate_dns_bench: SpfEvaluator
# and DnsblCheck over libunbound) and, in the same run, for peers in this process (see
# dns_check_peers.py: pyspf for SPF, dnspython asyncio for the DNSBL lookups). A private
# NSD on a loopback port serves the zones. Rounds are interleaved (mailgate, peer,
# mailgate, peer) and each figure is the median of the rounds. It prints ratios against
# the peer; results go in docs/PERFORMANCE.md. Not a test: it asserts nothing on timing.
#
#   /usr/bin/python3 bench/dns_checks.py [--seconds 5] [--count 2000] [--concurrency 10] [--rounds 3]
import argparse
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_setup  # noqa: E402
import dns_check_peers as peers  # noqa: E402
from devgateway import DnsServer, make_shared_directory, make_subdirectory  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
# SPF: the client matches the "a" term, so one evaluation reads every term: TXT of the
# domain, TXT of the include, MX and the A of both MX hosts, A of the domain (6 lookups).
SPF_QUERY = {"ip": "192.0.2.25", "sender": "bench@example.test", "helo": "mail.example.test"}
LISTED_IP = "10.0.0.1"  # bl1-bl3 list all of 10.0.0.0/8 (wildcards); bl4 does not
CLEAN_IP = "172.16.0.1"  # listed nowhere: NXDOMAIN in every zone
ZONE_SPECS = ["BL1:bl1.dnsbl.test", "BL2:bl2.dnsbl.test=127.0.0.[2..11]",
              "BL3:bl3.dnsbl.test&0.0.0.4*1.5", "BL4:bl4.dnsbl.test=127.0.0.2"]


def serve_zones(dns):
    dns.add_zone("example.test", [
        '@ IN TXT "v=spf1 include:_spf.provider.test mx a -all"',
        "@ IN MX 10 mx1", "@ IN MX 20 mx2",
        "mx1 IN A 192.0.2.10", "mx2 IN A 192.0.2.11", "@ IN A 192.0.2.25",
        "mail IN A 192.0.2.25"], ttl=3600)
    dns.add_zone("provider.test", [
        '_spf IN TXT "v=spf1 ip4:198.51.100.0/24 ip4:203.0.113.0/25 '
        'ip4:203.0.113.128/26 ip4:233.252.0.0/24 ~all"'], ttl=3600)
    for number, answer in ((1, "127.0.0.2"), (2, "127.0.0.3"), (3, "127.0.0.4")):
        dns.add_zone(f"bl{number}.dnsbl.test", [
            f"*.10 IN A {answer}", f'*.10 IN TXT "listed, see https://bl{number}.test/"',
            "2.0.0.127 IN A 127.0.0.2"], ttl=3600, negative_ttl=3600)
    dns.add_zone("bl4.dnsbl.test", ["2.0.0.127 IN A 127.0.0.2", "7.2.0.192 IN A 127.0.0.2"],
                 ttl=3600, negative_ttl=3600)


def run_mailgate(program, arguments):
    """Runs mailgate_dns_bench; returns one dict of key=value figures per output line."""
    completed = subprocess.run([str(program)] + arguments, capture_output=True, text=True,
                               timeout=600)
    if completed.returncode not in (0, 1) or not completed.stdout:
        sys.exit(f"mailgate_dns_bench failed ({completed.returncode}): {completed.stderr}")
    if completed.returncode == 1:
        print(f"note: a result changed during the run: {completed.stdout}", file=sys.stderr)
    lines = []
    for line in completed.stdout.splitlines():
        fields = dict(item.split("=", 1) for item in line.split()[1:])
        lines.append({key: _number(value) for key, value in fields.items()})
    return lines


def _number(text):
    try:
        return float(text)
    except ValueError:
        return text


def measure(program, dns, arguments):
    """{setup name: [figures per round]} for SPF and {(case, setup): [...]} for DNSBL."""
    server = ["--dns", dns.server_address]
    spf_arguments = server + ["--ip", SPF_QUERY["ip"], "--sender", SPF_QUERY["sender"],
                              "--helo", SPF_QUERY["helo"], "--seconds", str(arguments.seconds)]
    zones = [spec.split(":", 1)[1].split("=")[0].split("&")[0] for spec in ZONE_SPECS]
    levels = sorted({1, arguments.concurrency})
    spf, dnsbl = {}, {}
    for _ in range(arguments.rounds):
        for level in levels:
            (line,) = run_mailgate(program, ["spf"] + spf_arguments + ["--concurrency",
                                                                        str(level)])
            spf.setdefault(f"mailgate, {level} concurrent", []).append(line)
        spf.setdefault(f"{peers.SPF_PEER}, sequential", []).append(peers.pyspf_evaluations(
            dns.host, dns.port, SPF_QUERY["ip"], SPF_QUERY["sender"], SPF_QUERY["helo"],
            arguments.seconds))
        for level in levels:
            for line in run_mailgate(program, [
                    "dnsbl"] + server + ["--zones", ",".join(ZONE_SPECS), "--ip", LISTED_IP,
                                         "--clean-ip", CLEAN_IP, "--count",
                                         str(arguments.count), "--concurrency", str(level)]):
                dnsbl.setdefault((line["case"], level, "mailgate"), []).append(line)
            peer = peers.dnsbl_cases(zones, LISTED_IP, CLEAN_IP, arguments.count, level,
                                     dns.host, dns.port)
            for case, figures in peer.items():
                dnsbl.setdefault((case, level, peers.DNSBL_PEER), []).append(figures)
    return spf, dnsbl


def print_spf(spf, arguments):
    peer = peers.median_figures(spf[f"{peers.SPF_PEER}, sequential"])
    print(f"SPF check_host, warm cache, 6 DNS lookups per evaluation, result shown; median "
          f"of {arguments.rounds} interleaved rounds of {arguments.seconds} s")
    print(f"{'setup':42} {'eval/s':>8} {'ratio':>6} {'p50 us':>8} {'p99 us':>8}  result  "
          f"rounds (eval/s)")
    for name, rounds in spf.items():
        median = peers.median_figures(rounds)
        keyword = median.get("result") or median.get("result_keyword")
        changed = sum(round_.get("changed_results", round_.get("changed", 0)) for round_ in rounds)
        print(f"{name:42} {median['rate']:8.0f} {median['rate'] / peer['rate']:6.2f} "
              f"{median['p50_us']:8.0f} {median['p99_us']:8.0f}  {keyword:6}"
              f"{' CHANGED ' + str(int(changed)) if changed else ''}  "
              + " ".join(f"{round_['rate']:.0f}" for round_ in rounds))


def print_dnsbl(dnsbl, arguments):
    print(f"\nDNSBL check over 4 zones, {arguments.count} checks per case; cold = distinct "
          f"addresses, warm = one address cached; median of {arguments.rounds} rounds; "
          f"ratios are mailgate / peer")
    print(f"{'case':12} {'conc':>4} {'setup':38} {'checks/s':>9} {'p50 us':>8} {'p99 us':>8} "
          f"{'max us':>8} {'rate ratio':>10} {'p99 ratio':>9}  outcome")
    for (case, level, setup), rounds in dnsbl.items():
        median = peers.median_figures(rounds)
        peer = peers.median_figures(dnsbl[(case, level, peers.DNSBL_PEER)])
        ratios = (f"{median['rate'] / peer['rate']:10.2f} {median['p99_us'] / peer['p99_us']:9.2f}"
                  if setup == "mailgate" else f"{'':10} {'':9}")
        print(f"{case:12} {level:4} {setup:38} {median['rate']:9.0f} {median['p50_us']:8.0f} "
              f"{median['p99_us']:8.0f} {median['max_us']:8.0f} {ratios}  {median['outcome']}")


def main():
    parser = argparse.ArgumentParser(description="SPF and DNSBL check benchmark")
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    bench_setup.add_setup_arguments(parser)
    arguments = parser.parse_args()
    build, _ = bench_setup.prepare(arguments, packages=["python3-spf"])
    program = bench_setup.program(build, None, "mailgate_dns_bench")

    signal.signal(signal.SIGTERM, lambda *_: sys.exit("stopped by SIGTERM"))
    directory = make_shared_directory(prefix="mailgate-bench-dns-")
    dns = DnsServer(make_subdirectory(directory, "nsd"))
    try:
        serve_zones(dns)
        dns.start()
        load_before = os.getloadavg()[0]
        spf_figures, dnsbl_figures = measure(program, dns, arguments)
        print(f"load average (1 min) {load_before:.2f} before, {os.getloadavg()[0]:.2f} after: "
              "other work on the machine skews the rates more than the ratios")
        print_spf(spf_figures, arguments)
        print_dnsbl(dnsbl_figures, arguments)
    finally:
        dns.stop()
        shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main()
