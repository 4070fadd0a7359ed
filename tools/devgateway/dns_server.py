# DNS servers for tests on a free 127.0.0.1 port (UDP and TCP). DnsServer is a private,
# authoritative NSD in the foreground serving zones written from Python (add_zone adds
# the SOA and NS records); SilentDnsServer takes queries and never answers, for timeout
# tests. add_zone(".") serves the root zone, so every name outside the other zones is
# NXDOMAIN; add_failing_zone answers SERVFAIL for a whole zone (a DNS timeout, to
# mailgate). Neither is a resolver: NSD answers only for its own zones (REFUSED
# otherwise) and does no recursion, DNSSEC signing, zone transfers or dynamic updates.
import os
import re
import selectors
import shutil
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path

from . import ports
from .process import ManagedProcess
from .service import ProcessService

NSD = "nsd"
NSD_CHECKZONE = "nsd-checkzone"
NAMESERVER = "localhost."  # the NS of every zone: out of zone, so it needs no glue
ZONE_NAME = re.compile(r"^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$")


class DnsServer(ProcessService):
    def __init__(self, directory, port=None):
        self.directory = Path(directory)
        self.host = ports.LOOPBACK
        self.port = port or free_udp_and_tcp_port()
        self.config_path = self.directory / "nsd.conf"
        self.log_path = self.directory / "nsd.log"
        self.zones = {}  # zone name -> zone file Path, in the order added
        self.failing_zones = set()  # names in self.zones whose zone file is missing
        self._serial = 0
        self._process = ManagedProcess(
            "nsd", [shutil.which(NSD) or NSD, "-d", "-c", self.config_path], self.log_path,
            working_directory=self.directory)

    @property
    def server_address(self):
        """'127.0.0.1:<port>', the form mailgate's resolver setting takes."""
        return f"{self.host}:{self.port}"

    def start(self, timeout=10.0):
        """Start NSD; return once it answers the SOA query of every zone (with no zones:
        once it answers at all, REFUSED)."""
        self.directory.mkdir(parents=True, exist_ok=True)
        self._write_config()
        return self._start_process_and_wait(lambda: self._wait_until_answering(timeout))

    def stop(self, timeout=None):
        """Stop NSD and wait until its child processes are gone too; return its status."""
        status = super().stop(timeout)
        if self._process.pid is not None:
            _end_process_group(self._process.pid, self.stop_timeout)
        return status

    def add_zone(self, name, records, ttl=300, negative_ttl=300):
        """Serve zone `name` with `records`, zone-file lines relative to the zone
        ("@ IN MX 10 mx", "mx IN A 192.0.2.25"), plus an SOA whose minimum (the
        negative-caching TTL) is `negative_ttl` and an NS record. Adding a zone that
        exists replaces it. Raises ValueError when nsd-checkzone rejects the zone.
        While running, NSD restarts (SIGHUP does not load new zones in NSD 4) and this
        returns once the new zone answers."""
        name = _zone_name(name)
        if isinstance(records, str):
            records = [records]
        self.directory.mkdir(parents=True, exist_ok=True)
        self._serial += 1
        path = self.directory / _zone_file_name(name)
        _write_checked_zone_file(path, name, _zone_file_text(
            name, records, ttl, negative_ttl, self._serial))
        self.zones[name] = path
        self.failing_zones.discard(name)
        if self.is_running():
            self.restart()
        return path

    def add_failing_zone(self, name):
        """Configure zone `name` with a zone file that does not exist: NSD logs an error,
        starts anyway and answers SERVFAIL at once for every name in the zone that no
        more specific zone holds. mailgate's resolver takes SERVFAIL as a temporary
        error, like a timeout, without waiting. Restarts NSD when running."""
        name = _zone_name(name)
        path = self.directory / f"{_zone_file_name(name)}.missing"
        path.unlink(missing_ok=True)
        self.zones[name] = path
        self.failing_zones.add(name)
        if self.is_running():
            self.restart()
        return path

    def query(self, name, rdtype, tcp=False, timeout=2.0):
        """Ask this server; see send_query."""
        return send_query(self.host, self.port, name, rdtype, tcp, timeout)

    def _write_config(self):
        directory = self.directory.resolve()
        lines = [
            "# Written by devgateway's DnsServer for one test; rewritten on every start.",
            "server:",
            f"    ip-address: {self.host}@{self.port}",
            "    do-ip4: yes",
            "    do-ip6: no",
            '    username: ""',
            '    chroot: ""',
            '    database: ""',
            "    server-count: 1",
            # Debian's NSD answers at most 200 queries/s per client network by default
            # (response rate limiting) and drops the rest: load tests would time out.
            "    rrl-ratelimit: 0",
            "    rrl-whitelist-ratelimit: 0",
            "    verbosity: 1",
            f'    zonesdir: "{directory}"',
            f'    logfile: "{directory / "nsd.log"}"',
            f'    pidfile: "{directory / "nsd.pid"}"',
            f'    xfrdfile: "{directory / "xfrd.state"}"',
            f'    zonelistfile: "{directory / "zone.list"}"',
            "remote-control:",
            "    control-enable: no",
        ]
        for name, path in self.zones.items():
            lines += ["zone:", f'    name: "{name}"', f'    zonefile: "{path.resolve()}"']
        self.config_path.write_text("\n".join(lines) + "\n")

    def _wait_until_answering(self, timeout):
        what = (f"nsd on {self.server_address} to answer SOA queries (SERVFAIL for "
                f"failing zones) for "
                f"{', '.join(self.zones) or 'no zones (REFUSED)'}")
        try:
            ports.wait_for_condition(self._answers_every_zone, timeout, what, self._process)
        except TimeoutError as error:
            raise TimeoutError(f"{error}; log {self.log_path}:\n"
                               f"{self._process.log_tail()}") from None

    def _answers_every_zone(self):
        import dns.rcode
        if not self.zones:
            return self._answers(".", dns.rcode.REFUSED)
        return all(self._answers(name, dns.rcode.SERVFAIL if name in self.failing_zones
                                 else dns.rcode.NOERROR) for name in self.zones)

    def _answers(self, name, expected_rcode):
        import dns.exception
        import dns.rcode
        try:
            response = self.query(name, "SOA", timeout=0.2)
        except (dns.exception.DNSException, OSError):
            return False
        if response.rcode() != expected_rcode:
            return False
        return expected_rcode != dns.rcode.NOERROR or bool(response.answer)


class SilentDnsServer:
    """Takes DNS queries on a free 127.0.0.1 port, UDP and TCP, and never answers:
    datagrams are read and dropped, TCP connections accepted and held open until the
    client gives up. Runs in a thread of this process."""

    def __init__(self, port=None):
        self.host = ports.LOOPBACK
        self.port = port
        self.udp_queries_received = 0
        self.tcp_connections_accepted = 0
        self._thread = None
        self._stopping = threading.Event()

    @property
    def server_address(self):
        return f"{self.host}:{self.port}"

    def start(self):
        if self.is_running():
            raise RuntimeError(f"silent DNS server on {self.server_address} already runs")
        tcp, udp = _bind_udp_and_tcp(self.host, self.port or 0)
        self.port = tcp.getsockname()[1]
        tcp.listen(16)
        self._stopping.clear()
        self._thread = threading.Thread(target=self._serve, args=(tcp, udp), daemon=True,
                                        name=f"silent-dns-{self.port}")
        self._thread.start()
        return self

    def stop(self, timeout=5.0):
        """Stop, close every socket; the port is free again when this returns."""
        if self._thread is None:
            return
        self._stopping.set()
        self._thread.join(timeout)
        if self._thread.is_alive():
            raise RuntimeError(f"silent DNS server on {self.server_address} did not stop")
        self._thread = None

    def is_running(self):
        return self._thread is not None and self._thread.is_alive()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exception):
        self.stop()

    def _serve(self, tcp, udp):
        with selectors.DefaultSelector() as selector:
            selector.register(tcp, selectors.EVENT_READ, "accept")
            selector.register(udp, selectors.EVENT_READ, "datagram")
            try:
                while not self._stopping.is_set():
                    for key, _ in selector.select(timeout=0.05):
                        self._handle(selector, key)
            finally:
                for key in list(selector.get_map().values()):
                    key.fileobj.close()

    def _handle(self, selector, key):
        if key.data == "accept":
            connection, _ = key.fileobj.accept()
            self.tcp_connections_accepted += 1
            selector.register(connection, selectors.EVENT_READ, "connection")
        elif key.data == "datagram":
            key.fileobj.recvfrom(65535)
            self.udp_queries_received += 1
        else:
            try:
                data = key.fileobj.recv(65535)
            except OSError:
                data = b""
            if not data:  # the client closed: let go of the connection
                selector.unregister(key.fileobj)
                key.fileobj.close()


def send_query(host, port, name, rdtype, tcp=False, timeout=2.0):
    """Ask host:port for `name` `rdtype` with dnspython (EDNS, 1232-byte payload, no
    recursion desired); return the dns.message response. Raises dns.exception.Timeout.
    dnspython is imported here, not at the top, so devgateway's other servers work
    without it."""
    import dns.flags
    import dns.message
    import dns.query
    message = dns.message.make_query(name, rdtype, use_edns=0, payload=1232)
    message.flags &= ~dns.flags.RD
    send = dns.query.tcp if tcp else dns.query.udp
    return send(message, host, port=port, timeout=timeout)


def free_udp_and_tcp_port(host=ports.LOOPBACK):
    """A port on `host` that is free for both TCP and UDP right now (see ports.py on
    why there is no reservation)."""
    tcp, udp = _bind_udp_and_tcp(host, 0)
    port = tcp.getsockname()[1]
    tcp.close()
    udp.close()
    return port


def _bind_udp_and_tcp(host, port, attempts=50):
    """Return (tcp, udp) sockets bound to the same port on `host` (a free one if 0)."""
    for _ in range(attempts):
        tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            tcp.bind((host, port))
            udp.bind((host, tcp.getsockname()[1]))
            return tcp, udp
        except OSError:
            tcp.close()
            udp.close()
            if port:
                raise
    raise OSError(f"found no port on {host} free for both TCP and UDP")


def _zone_name(name):
    """The zone's key in `zones`: lower case without the final dot, "." for the root."""
    name = name.strip(".").lower()
    if name and not ZONE_NAME.match(name):
        raise ValueError(f"unsupported zone name {name!r}")
    return name or "."


def _zone_file_name(name):
    return "root.zone" if name == "." else f"{name}.zone"


def _zone_file_text(name, records, ttl, negative_ttl, serial):
    origin = "." if name == "." else f"{name}."
    lines = [
        f"$ORIGIN {origin}",
        f"$TTL {ttl}",
        f"@ IN SOA {NAMESERVER} hostmaster.{origin.lstrip('.')} {serial} 3600 600 86400 "
        f"{negative_ttl}",
        f"@ IN NS {NAMESERVER}",
    ]
    return "\n".join(lines + [str(record) for record in records]) + "\n"


def _write_checked_zone_file(path, name, text):
    """Check `text` with nsd-checkzone, then put it at `path`; ValueError if rejected."""
    candidate = path.with_name(f".{path.name}.candidate")
    candidate.write_text(text)
    result = subprocess.run([shutil.which(NSD_CHECKZONE) or NSD_CHECKZONE, name, candidate],
                            capture_output=True, text=True, timeout=30)
    if result.returncode != 0:
        candidate.unlink()
        raise ValueError(f"nsd-checkzone rejects zone {name}:\n"
                         f"{(result.stdout + result.stderr).strip()}\nzone file:\n{text}")
    os.replace(candidate, path)


def _end_process_group(group, timeout):
    """Wait until no process of `group` is left (NSD's server and xfrd children end
    after the main process); SIGKILL the group if some are still there at `timeout`."""
    deadline = time.monotonic() + timeout
    while process_group_exists(group):
        if time.monotonic() >= deadline:
            try:
                os.killpg(group, signal.SIGKILL)
            except ProcessLookupError:
                pass
            return
        time.sleep(0.02)


def process_group_exists(group):
    """True while a live (not zombie) process of process group `group` is left."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # it ended while we looked
        state, process_group = fields[0], int(fields[2])
        if process_group == group and state not in ("Z", "X"):
            return True
    return False
