# Proves the DNS test servers work, with dnspython as the client and no mailgate code:
# DnsServer (NSD) answers the records the coming DNS/SPF/DNSBL tests will need, and
# SilentDnsServer never answers. A failure here is a test-harness problem, not a
# mailgate bug.
import socket
import time

import dns.exception
import dns.flags
import dns.rcode
import dns.rdatatype
import pytest

from devgateway import (DnsServer, SilentDnsServer, make_subdirectory, reverse_ipv4_name,
                        reverse_ipv6_name, txt_record)
from devgateway.dns_server import process_group_exists, send_query

SPF_POLICY = "v=spf1 ip4:192.0.2.0/24 -all"


def answer_texts(response, rdtype):
    """The answer records of `rdtype` as their zone-file text, sorted."""
    return sorted(rdata.to_text() for rrset in response.answer
                  if rrset.rdtype == dns.rdatatype.from_text(rdtype) for rdata in rrset)


def test_reverse_names_follow_rfc_5782():
    assert reverse_ipv4_name("127.0.0.2") == "2.0.0.127"
    assert reverse_ipv4_name("192.0.2.25", "in-addr.arpa") == "25.2.0.192.in-addr.arpa"
    assert reverse_ipv4_name("127.0.0.2", "dnsbl.test.") == "2.0.0.127.dnsbl.test"
    assert reverse_ipv6_name("2001:db8::1") == (
        "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2")
    assert reverse_ipv6_name("::ffff:7f00:2", "ip6.arpa").endswith(
        "2.0.0.0.0.0.f.7.f.f.f.f.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.ip6.arpa")


def test_txt_record_splits_into_escaped_255_byte_strings():
    assert txt_record("@", 'say "hi" \\ bye') == '@ IN TXT "say \\"hi\\" \\\\ bye"'
    assert txt_record("@", "") == '@ IN TXT ""'
    line = txt_record("long", "a" * 256, ttl=60)
    assert line == f'long 60 IN TXT "{"a" * 255}" "a"'


def test_records_of_each_type_answer_over_udp_and_tcp(server_directory):
    server = DnsServer(make_subdirectory(server_directory, "dns"))
    server.add_zone("example.test", [
        f'@ IN TXT "{SPF_POLICY}"',
        "@ IN MX 10 mx",
        "mx IN A 192.0.2.25",
        "mx IN AAAA 2001:db8::25",
    ])
    server.add_zone("2.0.192.in-addr.arpa", ["25 IN PTR mx.example.test."])
    server.add_zone("ip6.arpa", [
        f"{reverse_ipv6_name('2001:db8::25', 'ip6.arpa.')}. IN PTR mx.example.test."])
    with server:
        assert server.server_address == f"127.0.0.1:{server.port}"
        for tcp in (False, True):
            def ask(name, rdtype):
                response = server.query(name, rdtype, tcp=tcp)
                assert response.rcode() == dns.rcode.NOERROR
                assert response.flags & dns.flags.AA
                return answer_texts(response, rdtype)

            assert ask("mx.example.test", "A") == ["192.0.2.25"]
            assert ask("mx.example.test", "AAAA") == ["2001:db8::25"]
            assert ask("example.test", "MX") == ["10 mx.example.test."]
            assert ask("example.test", "TXT") == [f'"{SPF_POLICY}"']
            assert ask(reverse_ipv4_name("192.0.2.25", "in-addr.arpa"), "PTR") == [
                "mx.example.test."]
            assert ask(reverse_ipv6_name("2001:db8::25", "ip6.arpa"), "PTR") == [
                "mx.example.test."]
        assert server.query("elsewhere.test", "A").rcode() == dns.rcode.REFUSED


def test_long_txt_comes_back_as_three_strings_that_join_to_the_original(dns_server):
    letters = "".join(chr(ord("a") + index % 26) for index in range(600))
    # 600 bytes: quotes and backslashes to escape, and an "é" whose two UTF-8 bytes
    # straddle the first 255-byte boundary.
    text = letters[:254] + "é" + letters[:335] + ' "q" \\b\\ '
    assert len(text.encode()) == 600
    dns_server.add_zone("long.test", [txt_record("key._domainkey", text)])
    for tcp in (False, True):
        response = dns_server.query("key._domainkey.long.test", "TXT", tcp=tcp)
        assert not response.flags & dns.flags.TC
        [rrset] = response.answer
        [rdata] = rrset
        assert [len(string) for string in rdata.strings] == [255, 255, 90]
        assert b"".join(rdata.strings).decode() == text


def test_nxdomain_carries_the_soa_with_the_configured_minimum(dns_server):
    dns_server.add_zone("example.test", ["mx IN A 192.0.2.25"], ttl=3600, negative_ttl=45)
    response = dns_server.query("missing.example.test", "A")
    assert response.rcode() == dns.rcode.NXDOMAIN
    assert not response.answer
    [soa] = [rrset for rrset in response.authority if rrset.rdtype == dns.rdatatype.SOA]
    assert soa.name.to_text() == "example.test."
    assert soa[0].minimum == 45
    assert soa.ttl == 45  # NSD sends min(SOA TTL, minimum), as RFC 2308 asks
    no_data = dns_server.query("mx.example.test", "TXT")  # the name exists, the type not
    assert no_data.rcode() == dns.rcode.NOERROR and not no_data.answer
    assert no_data.authority[0][0].minimum == 45


def test_zone_added_while_running_answers_when_add_zone_returns(dns_server):
    assert dns_server.query("example.test", "SOA").rcode() == dns.rcode.REFUSED  # no zones
    dns_server.add_zone("example.test", ["www IN A 192.0.2.1"])
    dns_server.add_zone("dnsbl.test", [f"{reverse_ipv4_name('127.0.0.2')} IN A 127.0.0.2"])
    listed = dns_server.query(reverse_ipv4_name("127.0.0.2", "dnsbl.test"), "A")
    assert answer_texts(listed, "A") == ["127.0.0.2"]
    assert answer_texts(dns_server.query("www.example.test", "A"), "A") == ["192.0.2.1"]
    dns_server.add_zone("example.test", ["www IN A 192.0.2.2"])  # replaces the zone
    assert answer_texts(dns_server.query("www.example.test", "A"), "A") == ["192.0.2.2"]


def test_add_zone_rejects_a_broken_zone_and_keeps_serving(dns_server):
    dns_server.add_zone("example.test", ["www IN A 192.0.2.1"])
    with pytest.raises(ValueError, match="999.1.1.1"):
        dns_server.add_zone("broken.test", ["www IN A 999.1.1.1"])
    assert list(dns_server.zones) == ["example.test"]
    assert answer_texts(dns_server.query("www.example.test", "A"), "A") == ["192.0.2.1"]


def test_silent_server_never_answers():
    with SilentDnsServer() as server:
        host, port = server.host, server.port
        assert server.server_address == f"127.0.0.1:{port}"
        for tcp in (False, True):
            started = time.monotonic()
            with pytest.raises(dns.exception.Timeout):
                send_query(host, port, "example.test", "A", tcp=tcp, timeout=0.5)
            assert 0.4 <= time.monotonic() - started < 1.5
        assert server.udp_queries_received == 1
        assert server.tcp_connections_accepted == 1
    for kind in (socket.SOCK_STREAM, socket.SOCK_DGRAM):  # stopped: the port is free
        with socket.socket(socket.AF_INET, kind) as again:
            again.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            again.bind((host, port))


def test_stopping_leaves_no_process_and_the_port_silent(server_directory):
    server = DnsServer(make_subdirectory(server_directory, "dns"))
    server.add_zone("example.test", ["www IN A 192.0.2.1"])
    server.start()
    pid = server.pid
    assert process_group_exists(pid)
    server.restart()  # the old NSD must be gone before the new one binds the port
    assert server.pid != pid and not process_group_exists(pid)
    pid = server.pid
    server.stop()
    assert not server.is_running()
    assert not process_group_exists(pid)
    with pytest.raises((dns.exception.Timeout, ConnectionRefusedError)):
        server.query("www.example.test", "A", timeout=0.3)
