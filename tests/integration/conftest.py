# Pytest fixtures that start real servers for integration tests, each test in its own
# directory under /tmp (mode 0755, so Postfix's smtpd, running as user postfix, can
# reach sockets in it) and every server stopped in teardown, pass or fail. On failure
# the end of each server's log is attached to the report and the directory is kept.
# The servers themselves are driven by tools/devgateway; this file only wires them.
import os
import re
import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))

from devgateway import (  # noqa: E402
    DnsServer, LocalGateway, MilterDaemon, PolicyDaemon, PostfixInstance, RedisServer,
    SmtpSink, free_port, make_shared_directory, make_subdirectory)
from devgateway import log_files  # noqa: E402

KEEP_DIRECTORIES = os.environ.get("MAILGATE_KEEP_TEST_DIRECTORIES") == "1"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"devgateway_report_{report.when}", report)
    if report.failed:
        for path in getattr(item, "devgateway_logs", []):
            report.sections.append(
                (f"log {path} (end)", log_files.tail(log_files.read_log(path), 60)))


def watch_log(request, path):
    """Attach the end of this log to the test's report if it fails."""
    if not hasattr(request.node, "devgateway_logs"):
        request.node.devgateway_logs = []
    request.node.devgateway_logs.append(Path(path))


def _test_failed(node):
    return any(getattr(getattr(node, f"devgateway_report_{when}", None), "failed", False)
               for when in ("setup", "call"))


@pytest.fixture
def server_directory(request):
    """A fresh directory for this test's servers, kept if the test fails."""
    # Short: unix socket paths are limited to 107 bytes.
    name = re.sub(r"[^A-Za-z0-9]+", "-", request.node.name)[:24]
    path = make_shared_directory(prefix=f"mailgate-{name}-")
    yield path
    if _test_failed(request.node) or KEEP_DIRECTORIES:
        print(f"\nkept test directory {path}")
    else:
        shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def redis_server(request, server_directory):
    server = RedisServer(make_subdirectory(server_directory, "redis"))
    watch_log(request, server.log_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def dns_server(request, server_directory):
    """A running NSD on a free loopback port with no zones yet: call add_zone(name,
    records) to serve one (NSD restarts; it answers when add_zone returns); the
    resolver setting for mailgate is dns_server.server_address."""
    server = DnsServer(make_subdirectory(server_directory, "dns"))
    watch_log(request, server.log_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def smtp_sink(request, server_directory):
    """The internal mail server stand-in; Postfix instances relay to it by default."""
    sink = SmtpSink(make_subdirectory(server_directory, "sink"))
    watch_log(request, sink.log_path)
    sink.start()
    try:
        yield sink
    finally:
        sink.stop()


@pytest.fixture
def postfix_factory(request, server_directory, smtp_sink):
    """Call it to start a private Postfix instance; all are stopped after the test.

    create(name="postfix", smtp_port=None, relay_port=None (the smtp_sink),
           policy_service=None, milter_socket=None, extra_main_cf=None,
           relay_domains="example.test", start=True) -> PostfixInstance
    """
    instances = []

    def create(name="postfix", smtp_port=None, relay_port=None, policy_service=None,
               milter_socket=None, extra_main_cf=None, relay_domains="example.test",
               start=True):
        instance = PostfixInstance(
            make_subdirectory(server_directory, name), smtp_port or free_port(),
            relay_port or smtp_sink.port, policy_service=policy_service,
            milter_socket=milter_socket, extra_main_cf=extra_main_cf,
            relay_domains=relay_domains)
        instances.append(instance)
        watch_log(request, instance.log_path)
        if start:
            instance.start()
        return instance

    yield create
    _stop_every(instances)


@pytest.fixture
def postfix(postfix_factory):
    """A private Postfix relaying to smtp_sink, with no policy service and no milter."""
    return postfix_factory()


def run_daemon(request, daemon):
    """Start a mailgate daemon for a test; yield it; stop it and fail on sanitizer reports."""
    watch_log(request, daemon.log_path)
    daemon.start()
    try:
        yield daemon
    finally:
        daemon.stop()
        _fail_on_sanitizer_reports([daemon])


@pytest.fixture
def policy_daemon(request, server_directory, redis_server):
    yield from run_daemon(request, PolicyDaemon(
        make_subdirectory(server_directory, "policyd"), redis_server, log_level="debug"))


@pytest.fixture
def milter_daemon(request, server_directory, redis_server):
    yield from run_daemon(request, MilterDaemon(
        make_subdirectory(server_directory, "milter"), redis_server, log_level="debug"))


@pytest.fixture
def gateway_factory(request, server_directory):
    """Call it with LocalGateway's keyword arguments to start a whole gateway on free
    ports (smtp_port, extra_config, extra_main_cf, with_policy_daemon, with_milter, ...)."""
    gateways = []

    def create(name="gateway", **arguments):
        arguments.setdefault("log_level", "debug")
        gateway = LocalGateway(make_subdirectory(server_directory, name), **arguments)
        gateways.append(gateway)
        for path in gateway.log_paths().values():
            watch_log(request, path)
        return gateway.start()

    yield create
    _stop_every(gateways)
    _fail_on_sanitizer_reports(
        [daemon for gateway in gateways for daemon in gateway.daemons()])


@pytest.fixture
def gateway(gateway_factory):
    """The whole gateway: Redis, sink, mailgate-policyd, mailgate-milter, Postfix."""
    return gateway_factory()


def _fail_on_sanitizer_reports(daemons):
    """A sanitizer report in a daemon's log (written at exit, for leaks) fails the test."""
    reports = [f"{daemon.log_path}: {line}" for daemon in daemons
               for line in daemon.sanitizer_reports()]
    if reports:
        pytest.fail("sanitizer reports in daemon logs:\n" + "\n".join(reports[:20]))


def _stop_every(services):
    errors = []
    for service in reversed(services):
        try:
            service.stop()
        except Exception as error:  # stop the others anyway
            errors.append(error)
    if errors:
        raise errors[0]
