# Proves the integration-test fixtures work with the real servers (Redis, the SMTP sink,
# private Postfix instances, a whole LocalGateway) without the mailgate daemons: a
# failure here is a test-harness problem, not a mailgate bug. It does not test mailgate.
import os
import socketserver
import threading

import pytest

from devgateway import LocalGateway, PostfixInstance, free_port, make_subdirectory
from devgateway import mailgate_config, ports
from devgateway.mailgate_daemons import postfix_milter_address
from devgateway.postfix_instance import PostfixCommandError
from devgateway.swaks import send_with_swaks, transcript

SENDER = "sender@sender.test"
RECIPIENT = "user@example.test"
INTERNET_CLIENT = ("--xclient-addr", "192.0.2.1", "--xclient-name", "mx.sender.test",
                   "--xclient-helo", "mx.sender.test")


def test_redis_answers_ping_on_tcp_and_unix_socket_and_is_gone_after_stop(redis_server):
    assert redis_server.ping()
    assert redis_server.client_command("SET", "greeting", "hello").stdout.strip() == "OK"
    over_socket = redis_server.client_command("-s", redis_server.unix_socket, "GET", "greeting")
    assert over_socket.stdout.strip() == "hello"

    redis_server.stop()
    assert not redis_server.ping()
    assert not ports.port_accepts(redis_server.host, redis_server.port)

    redis_server.start()
    assert redis_server.ping()
    assert redis_server.client_command("GET", "greeting").stdout.strip() == ""  # no persistence


def test_redis_takes_extra_arguments(server_directory):
    from devgateway import RedisServer
    with RedisServer(make_subdirectory(server_directory, "redis"), password="secret",
                     extra_args=["--enable-debug-command", "yes"]) as server:
        assert server.ping()
        assert server.client_command("DEBUG", "SLEEP", "0").stdout.strip() == "OK"
    assert not server.is_running()


def test_sink_saves_envelope_and_exact_bytes_and_rejects_listed_recipients(server_directory):
    from devgateway import SmtpSink
    with SmtpSink(make_subdirectory(server_directory, "sink"),
                  reject_recipients=["unknown@example.test"]) as sink:
        result = send_with_swaks(sink.port, SENDER, RECIPIENT,
                                 ["--header", "Subject: straight to the sink"])
        assert result.returncode == 0, transcript(result)
        rejected = send_with_swaks(sink.port, SENDER, "unknown@example.test")
        assert rejected.returncode == 24, transcript(rejected)  # 24: RCPT rejected
        [message] = sink.wait_for_messages(1, timeout=5)
    assert message.mail_from == SENDER
    assert message.rcpt_tos == [RECIPIENT]
    assert message.peer[0] == "127.0.0.1"
    assert message.message["Subject"] == "straight to the sink"
    assert message.raw == message.path.read_bytes()
    assert message.raw.endswith(b"\r\n")


def test_message_through_postfix_reaches_sink_with_envelope(postfix, smtp_sink):
    result = send_with_swaks(postfix.smtp_port, SENDER, RECIPIENT,
                             ["--header", "Subject: through postfix"])
    assert result.returncode == 0, transcript(result)

    [message] = smtp_sink.wait_for_messages(1, timeout=10)
    assert message.mail_from == SENDER
    assert message.rcpt_tos == [RECIPIENT]
    assert message.message["Subject"] == "through postfix"
    assert "by gateway.mailgate.test" in message.message["Received"]
    postfix.wait_for_empty_queue(timeout=5)


def test_xclient_makes_postfix_see_an_internet_client(postfix, smtp_sink):
    result = send_with_swaks(postfix.smtp_port, SENDER, RECIPIENT, INTERNET_CLIENT)
    assert result.returncode == 0, transcript(result)

    postfix.wait_for_log(r"client=mx\.sender\.test\[192\.0\.2\.1\]", timeout=5)
    [message] = smtp_sink.wait_for_messages(1, timeout=10)
    assert "mx.sender.test [192.0.2.1]" in message.message["Received"]


def test_internet_client_cannot_relay_to_other_domains(postfix):
    result = send_with_swaks(postfix.smtp_port, SENDER, "someone@elsewhere.test",
                             INTERNET_CLIENT)
    assert result.returncode == 24, transcript(result)
    assert "Relay access denied" in result.stdout


def test_mail_stays_queued_while_sink_is_down_and_arrives_after_flush(postfix, smtp_sink):
    smtp_sink.stop()
    result = send_with_swaks(postfix.smtp_port, SENDER, RECIPIENT, INTERNET_CLIENT)
    assert result.returncode == 0, transcript(result)

    postfix.wait_for_log(r"status=deferred .*Connection refused", timeout=10)
    [entry] = postfix.mailq()
    assert entry["sender"] == SENDER
    assert entry["recipients"][0]["address"] == RECIPIENT
    assert "status=bounced" not in postfix.log_text()

    postfix.restart()  # same port, same queue
    assert postfix.queue_ids() == [entry["queue_id"]]

    smtp_sink.start()
    postfix.flush()
    [message] = smtp_sink.wait_for_messages(1, timeout=10)
    assert message.rcpt_tos == [RECIPIENT]
    postfix.wait_for_empty_queue(timeout=5)


def test_two_postfix_instances_run_side_by_side(postfix_factory, smtp_sink):
    first = postfix_factory("first")
    second = postfix_factory("second")
    assert first.master_pid() != second.master_pid()

    for instance, recipient in ((first, "first@example.test"), (second, "second@example.test")):
        result = send_with_swaks(instance.smtp_port, SENDER, recipient)
        assert result.returncode == 0, transcript(result)

    received = smtp_sink.wait_for_messages(2, timeout=10)
    assert sorted(message.rcpt_tos[0] for message in received) == [
        "first@example.test", "second@example.test"]
    assert "first@example.test" in first.log_text()
    assert "first@example.test" not in second.log_text()

    first.stop()
    assert not first.is_running() and second.is_running()
    assert not ports.port_accepts("127.0.0.1", first.smtp_port)


class _RejectingPolicyHandler(socketserver.StreamRequestHandler):
    """A stand-in policy server: REJECT for blocked@example.test, DUNNO otherwise."""

    def handle(self):
        attributes = {}
        for line in self.rfile:
            line = line.decode().rstrip("\n")
            if line:
                name, _, value = line.partition("=")
                attributes[name] = value
                continue
            self.server.requests.append(attributes)
            action = ("REJECT 5.7.1 blocked by test policy"
                      if attributes.get("recipient") == "blocked@example.test" else "DUNNO")
            self.wfile.write(f"action={action}\n\n".encode())
            attributes = {}


class _ThreadingUnixServer(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True


class _ThreadingTcpServer(socketserver.ThreadingMixIn, socketserver.TCPServer):
    daemon_threads = True
    allow_reuse_address = True


@pytest.fixture(params=["inet", "unix"])
def fake_policy_service(request, server_directory):
    """A Python policy server on TCP or on a unix socket; yields (address, server)."""
    if request.param == "inet":
        server = _ThreadingTcpServer(("127.0.0.1", free_port()), _RejectingPolicyHandler)
        address = f"inet:127.0.0.1:{server.server_address[1]}"
    else:
        path = make_subdirectory(server_directory, "policy") / "policy.sock"
        server = _ThreadingUnixServer(str(path), _RejectingPolicyHandler)
        os.chmod(path, 0o666)
        address = f"unix:{path}"
    server.requests = []
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield address, server
    finally:
        server.shutdown()
        server.server_close()


def test_policy_service_is_asked_before_permit_mynetworks(postfix_factory, smtp_sink,
                                                           fake_policy_service):
    address, policy_server = fake_policy_service
    postfix = postfix_factory(policy_service=address)

    # From 127.0.0.1 (in mynetworks): the policy must still be asked.
    blocked = send_with_swaks(postfix.smtp_port, SENDER, "blocked@example.test")
    assert blocked.returncode == 24, transcript(blocked)
    assert "blocked by test policy" in blocked.stdout
    passed = send_with_swaks(postfix.smtp_port, SENDER, RECIPIENT, INTERNET_CLIENT)
    assert passed.returncode == 0, transcript(passed)

    smtp_sink.wait_for_messages(1, timeout=10)
    assert [request["recipient"] for request in policy_server.requests] == [
        "blocked@example.test", RECIPIENT]
    assert policy_server.requests[1]["client_address"] == "192.0.2.1"
    assert policy_server.requests[1]["protocol_state"] == "RCPT"


def test_unreachable_milter_tempfails_the_message(postfix_factory, server_directory, smtp_sink):
    missing_socket = server_directory / "no-milter-here.sock"
    postfix = postfix_factory(milter_socket=f"unix:{missing_socket}")
    result = send_with_swaks(postfix.smtp_port, SENDER, RECIPIENT)
    assert result.returncode != 0, transcript(result)
    assert "451 4.7.1" in result.stdout
    assert smtp_sink.messages() == []


def test_postfix_refuses_a_port_in_use_with_a_clear_error(postfix, server_directory):
    clash = PostfixInstance(make_subdirectory(server_directory, "clash"),
                            smtp_port=postfix.smtp_port, relay_port=free_port())
    with pytest.raises(RuntimeError, match="already in use"):
        clash.start()


def test_postfix_start_failure_shows_the_cause(postfix_factory):
    with pytest.raises(PostfixCommandError, match="maillog_file_prefixes"):
        postfix_factory(extra_main_cf={"maillog_file": "/var/tmp/elsewhere.log"})


def test_local_gateway_without_daemons_delivers_and_stops_everything(server_directory):
    gateway = LocalGateway(make_subdirectory(server_directory, "gateway"),
                           with_policy_daemon=False, with_milter=False)
    with gateway:
        result = send_with_swaks(gateway.smtp_port, SENDER, RECIPIENT, INTERNET_CLIENT)
        assert result.returncode == 0, transcript(result)
        [message] = gateway.sink.wait_for_messages(1, timeout=10)
        assert message.rcpt_tos == [RECIPIENT]
    assert not gateway.redis.is_running()
    assert not gateway.sink.is_running()
    assert not gateway.postfix.is_running()
    assert not ports.port_accepts("127.0.0.1", gateway.smtp_port)


def test_mailgate_config_is_valid_toml_with_octal_socket_mode():
    import tomllib

    class Redis:
        host, port, password = "127.0.0.1", 6379, None

    document = mailgate_config.merge_config(
        mailgate_config.base_config(Redis, ["inet:127.0.0.1:10040"], "unix:/tmp/m.sock"),
        {"log": {"level": "debug"}, "greylist": {"enabled": True, "delay": "5m"}})
    text = mailgate_config.render_toml(document)
    assert "socket_mode = 0o666" in text
    assert tomllib.loads(text) == document


def test_libmilter_socket_specs_convert_to_postfix_form():
    assert postfix_milter_address("inet:8891@127.0.0.1") == "inet:127.0.0.1:8891"
    assert postfix_milter_address("unix:/run/m.sock") == "unix:/run/m.sock"
