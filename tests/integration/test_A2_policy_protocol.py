# The Postfix policy protocol against the real mailgate-policyd (A2, docs/features.md): persistent
# and pipelined requests, requests split across writes, and hostile clients: malformed,
# oversize, NUL bytes, idle, and too many connections. Each bad client is cut off with a
# log line while other clients keep being answered.
import socket
import time

import pytest

from devgateway import PolicyDaemon, make_subdirectory

REQUEST = ("request=smtpd_access_policy\nprotocol_state=RCPT\nprotocol_name=ESMTP\n"
           "client_address=192.0.2.9\nclient_name=mx.sender.test\nhelo_name=mx.sender.test\n"
           "sender=a@sender.test\nrecipient=b@example.test\nqueue_id=\ninstance=1.2.3\n\n")


def connect(daemon):
    if daemon.unix_socket:
        connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        connection.settimeout(10)
        connection.connect(str(daemon.unix_socket))
        return connection
    return socket.create_connection(("127.0.0.1", daemon.port), timeout=10)


def read_answers(connection, count):
    data = b""
    while data.count(b"\n\n") < count:
        chunk = connection.recv(65536)
        if not chunk:
            break
        data += chunk
    return data.decode()


def closed_by_server(connection):
    """True when the server closed the connection (EOF or reset)."""
    try:
        return connection.recv(1) == b""
    except ConnectionResetError:
        return True


@pytest.fixture
def limited_policy_daemon(request, server_directory, redis_server):
    from conftest import run_daemon
    yield from run_daemon(request, PolicyDaemon(
        make_subdirectory(server_directory, "policyd-limited"), redis_server,
        extra_config={"policyd": {"max_line_length": 256, "max_attributes": 16,
                                  "max_request_bytes": 2048, "idle_timeout_s": 1,
                                  "max_connections": 3}}))


def test_A2_many_requests_on_one_persistent_connection(policy_daemon):
    with connect(policy_daemon) as connection:
        for _ in range(50):
            connection.sendall(REQUEST.encode())
            assert read_answers(connection, 1) == "action=DUNNO\n\n"
    assert policy_daemon.log_text().count("event=policy_decision") == 50


def test_A2_pipelined_requests_are_answered_in_order(policy_daemon):
    with connect(policy_daemon) as connection:
        connection.sendall((REQUEST * 20).encode())
        assert read_answers(connection, 20) == "action=DUNNO\n\n" * 20


def test_A2_a_request_split_into_small_writes_is_answered_once(policy_daemon):
    with connect(policy_daemon) as connection:
        connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        data = REQUEST.encode()
        for start in range(0, len(data), 7):
            connection.sendall(data[start:start + 7])
            time.sleep(0.002)
        assert read_answers(connection, 1) == "action=DUNNO\n\n"


def test_A2_the_unix_socket_listener_answers(server_directory, redis_server):
    daemon = PolicyDaemon(make_subdirectory(server_directory, "policyd-unix"), redis_server,
                          unix_socket=True)
    with daemon:
        with connect(daemon) as connection:
            connection.sendall(REQUEST.encode())
            assert read_answers(connection, 1) == "action=DUNNO\n\n"


@pytest.mark.parametrize("payload, reason", [
    (b"request=smtpd_access_policy\nthis line has no equals sign\n\n", "without '='"),
    (b"request=smtpd_access_policy\nsender=a\0b\n\n", "NUL byte"),
    (b"request=something_else\nsender=a\n\n", "request=smtpd_access_policy"),
    (b"request=smtpd_access_policy\nsender=a\nsender=b\n\n", "sent twice"),
    (b"\n", "empty request"),
    (b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + bytes(range(256)) + b"\n\n", "reason="),
])
def test_A2_malformed_requests_close_the_connection_with_a_log_line(policy_daemon, payload, reason):
    position = policy_daemon.log_position()
    with connect(policy_daemon) as bystander, connect(policy_daemon) as attacker:
        attacker.sendall(payload)
        assert closed_by_server(attacker)
        line = policy_daemon.wait_for_log(r"event=policy_protocol_error .*", since=position).group(0)
        assert reason in line and "action=close" in line, line
        # Other clients are unaffected.
        bystander.sendall(REQUEST.encode())
        assert read_answers(bystander, 1) == "action=DUNNO\n\n"
    assert "event=policy_decision" not in policy_daemon.log_text(since=position).split(
        "policy_protocol_error")[0]


def test_A2_an_oversize_line_closes_the_connection(limited_policy_daemon):
    with connect(limited_policy_daemon) as connection:
        connection.sendall(b"request=smtpd_access_policy\nsender=" + b"a" * 1000)
        assert closed_by_server(connection)
    limited_policy_daemon.wait_for_log(r"event=policy_protocol_error .*line longer than 256")


def test_A2_an_endless_line_without_newline_is_cut_off(limited_policy_daemon):
    with connect(limited_policy_daemon) as connection:
        try:
            for _ in range(100):
                connection.sendall(b"x" * 1000)
        except (BrokenPipeError, ConnectionResetError):
            pass
        assert closed_by_server(connection)
    limited_policy_daemon.wait_for_log(r"event=policy_protocol_error .*line longer than")


def test_A2_too_many_attributes_close_the_connection(limited_policy_daemon):
    request = "request=smtpd_access_policy\n" + "".join(f"a{i}=x\n" for i in range(20)) + "\n"
    with connect(limited_policy_daemon) as connection:
        connection.sendall(request.encode())
        assert closed_by_server(connection)
    limited_policy_daemon.wait_for_log(r"event=policy_protocol_error .*more than 16 attributes")


def test_A2_an_oversize_request_closes_the_connection(limited_policy_daemon):
    request = "request=smtpd_access_policy\n" + "".join(
        f"a{i}={'x' * 200}\n" for i in range(15)) + "\n"
    with connect(limited_policy_daemon) as connection:
        connection.sendall(request.encode())
        assert closed_by_server(connection)
    limited_policy_daemon.wait_for_log(r"event=policy_protocol_error .*request larger than 2048")


def test_A2_an_idle_connection_is_closed(limited_policy_daemon):
    with connect(limited_policy_daemon) as connection:
        connection.sendall(b"request=smtpd_access_policy\n")  # and then nothing
        assert closed_by_server(connection)
    limited_policy_daemon.wait_for_log(r"event=policy_connection_idle ")


def test_A2_connections_over_the_limit_are_refused_and_the_others_served(limited_policy_daemon):
    held = [connect(limited_policy_daemon) for _ in range(3)]
    try:
        for connection in held:  # make sure all three sessions exist
            connection.sendall(REQUEST.encode())
            assert read_answers(connection, 1) == "action=DUNNO\n\n"
        with connect(limited_policy_daemon) as extra:
            assert closed_by_server(extra)
        limited_policy_daemon.wait_for_log(r"event=policy_connection_refused .*max_connections")
        held[0].sendall(REQUEST.encode())
        assert read_answers(held[0], 1) == "action=DUNNO\n\n"
    finally:
        for connection in held:
            connection.close()
    # Once they are gone, new connections are served again.
    answer = ""
    for _ in range(100):
        try:
            with connect(limited_policy_daemon) as connection:
                connection.sendall(REQUEST.encode())
                answer = read_answers(connection, 1)
        except (ConnectionResetError, BrokenPipeError):
            answer = ""  # the server has not yet noticed the closed ones
        if answer == "action=DUNNO\n\n":
            break
        time.sleep(0.05)
    assert answer == "action=DUNNO\n\n"


def test_A2_a_client_that_never_reads_does_not_block_others(policy_daemon):
    with connect(policy_daemon) as flooder, connect(policy_daemon) as bystander:
        flooder.setblocking(False)
        sent = 0
        try:
            for _ in range(20000):
                sent += flooder.send(REQUEST.encode())
        except BlockingIOError:
            pass
        bystander.sendall(REQUEST.encode())
        assert read_answers(bystander, 1) == "action=DUNNO\n\n"
        assert sent > 0


def test_A2_answers_before_a_malformed_request_are_still_sent(policy_daemon):
    with connect(policy_daemon) as connection:
        connection.sendall((REQUEST * 3 + "no equals sign here\n\n").encode())
        assert read_answers(connection, 3) == "action=DUNNO\n\n" * 3
        assert closed_by_server(connection)


def test_A2_every_state_postfix_sends_is_answered(policy_daemon):
    states = ["CONNECT", "EHLO", "HELO", "MAIL", "RCPT", "DATA", "END-OF-MESSAGE", "VRFY",
              "ETRN"]
    with connect(policy_daemon) as connection:
        for state in states:
            connection.sendall(REQUEST.replace("protocol_state=RCPT",
                                               f"protocol_state={state}").encode())
            assert read_answers(connection, 1) == "action=DUNNO\n\n", state
    log = policy_daemon.log_text()
    for state in states:
        assert f"protocol_state={state} " in log, state


def test_A2_a_check_waiting_on_silent_dns_is_cut_off_at_the_reply_deadline(
        request, server_directory, redis_server):
    from conftest import run_daemon
    from devgateway import SilentDnsServer
    silent = SilentDnsServer().start()
    request.addfinalizer(silent.stop)
    daemons = run_daemon(request, PolicyDaemon(
        make_subdirectory(server_directory, "policyd-deadline"), redis_server,
        extra_config={"policyd": {"reply_deadline_ms": 300},
                      "dns": {"servers": [silent.server_address], "timeout_ms": 20000},
                      "dnsbl": {"enabled": True, "zones": ["BL:bl.test"], "timeout_ms": 20000},
                      "client_checks": {"ptr_action": "reject", "on_dns_failure": "tempfail"}}))
    daemon = next(daemons)
    request.addfinalizer(lambda: next(daemons, None))  # stops it, pass or fail
    with connect(daemon) as connection:
        # The socket's 10 s timeout is half the DNS timeout: only the deadline answers.
        connection.sendall(REQUEST.encode())
        answer = read_answers(connection, 1)
    assert answer.startswith("action=451 4.4.3 "), answer
    line = daemon.wait_for_log(r"event=policy_decision .*").group(0)
    assert "unfinished=ptr,dnsbl" in line, line
    assert "DNSBL_TEMPFAIL(0)" in line and "CLIENT_PTR_DNS_FAILURE(0)" in line, line
    assert silent.udp_queries_received > 0
