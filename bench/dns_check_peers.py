# The peers bench/dns_checks.py measures mailgate's DNS checks against, in this Python
# process: pyspf (Debian python3-spf, `spf.check2`) evaluating SPF in a loop through
# dnspython's default resolver pointed at the benchmark's loopback NSD with dnspython's
# cache on (pyspf keeps no cache of its own across checks), and a DNSBL baseline that
# asks the same zones at once per check with dnspython's asyncio resolver. They return
# figures only; dns_checks.py prints and compares them. Not a test: they assert nothing.
import asyncio
import ipaddress
import math
import statistics
import time

SPF_PEER = "pyspf 2.0.14 + dnspython cache"
DNSBL_PEER = "dnspython asyncio, zones asked at once"


def loopback_resolver(resolver_class, host, port, cache):
    """A dnspython resolver that asks only host:port (no /etc/resolv.conf, no search
    list), with a fresh cache when `cache` is true."""
    import dns.resolver
    resolver = resolver_class(configure=False)
    resolver.nameservers = [host]
    resolver.port = port
    resolver.timeout = resolver.lifetime = 2.0
    resolver.cache = dns.resolver.Cache() if cache else None
    return resolver


def percentile(samples, quantile):
    """Nearest-rank percentile, as mailgate_dns_bench computes it."""
    ordered = sorted(samples)
    rank = max(1, min(len(ordered), math.ceil(quantile * len(ordered))))
    return ordered[rank - 1]


def figures(latencies, elapsed):
    """rate per second and p50/p99/max in microseconds."""
    return {"count": len(latencies), "rate": len(latencies) / elapsed,
            "p50_us": percentile(latencies, 0.50) * 1e6,
            "p99_us": percentile(latencies, 0.99) * 1e6,
            "max_us": max(latencies) * 1e6}


def pyspf_evaluations(host, port, ip, sender, helo, seconds):
    """Evaluations per second of spf.check2 for one query, sequentially (pyspf is
    synchronous), after one evaluation that fills dnspython's cache."""
    import dns.resolver
    import spf
    dns.resolver.default_resolver = loopback_resolver(dns.resolver.Resolver, host, port, True)
    expected, _ = spf.check2(i=ip, s=sender, h=helo)
    latencies, changed = [], 0
    started = time.perf_counter()
    end = started + seconds
    while time.perf_counter() < end:
        begun = time.perf_counter()
        result, _ = spf.check2(i=ip, s=sender, h=helo)
        latencies.append(time.perf_counter() - begun)
        changed += result != expected
    result = figures(latencies, time.perf_counter() - started)
    result.update(result_keyword=expected, changed=changed)
    return result


def dnsbl_cases(zones, listed_ip, clean_ip, count, concurrency, host, port):
    """The four cases of mailgate_dns_bench's dnsbl mode, in its order, each with a
    resolver of its own: {case: figures}. A check is listed when any zone answers."""
    import dns.asyncresolver
    plan = [("listed-cold", listed_ip, True), ("clean-cold", clean_ip, True),
            ("listed-warm", listed_ip, False), ("clean-warm", clean_ip, False)]
    results = {}
    for name, first, distinct in plan:
        resolver = loopback_resolver(dns.asyncresolver.Resolver, host, port, not distinct)
        results[name] = asyncio.run(_dnsbl_case(resolver, zones, first, distinct, count,
                                                concurrency))
    return results


async def _dnsbl_case(resolver, zones, first, distinct, count, concurrency):
    first = ipaddress.IPv4Address(first)
    if not distinct:
        await _dnsbl_check(resolver, zones, first)
    latencies, outcomes, next_number = [], set(), iter(range(count))

    async def worker():
        for number in next_number:
            address = first + number if distinct else first
            begun = time.perf_counter()
            outcomes.add(await _dnsbl_check(resolver, zones, address))
            latencies.append(time.perf_counter() - begun)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    result = figures(latencies, time.perf_counter() - started)
    result.update(outcome="+".join(sorted(str(o) for o in outcomes)))
    return result


async def _dnsbl_check(resolver, zones, address):
    """How many zones list `address`: every zone asked at once."""
    reversed_name = ".".join(reversed(str(address).split(".")))
    answers = await asyncio.gather(*(_listed(resolver, f"{reversed_name}.{zone}")
                                     for zone in zones))
    return sum(answers)


async def _listed(resolver, name):
    import dns.resolver
    try:
        answer = await resolver.resolve(name, "A", search=False)
    except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer):
        return False
    return any(record.address.startswith("127.") for record in answer)


def median_figures(rounds):
    """The median of each numeric figure over a list of figure dicts; other keys from
    the first."""
    merged = dict(rounds[0])
    for key, value in rounds[0].items():
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            merged[key] = statistics.median(round_[key] for round_ in rounds)
    return merged
