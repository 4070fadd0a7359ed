# A whole mail gateway on loopback, as tests and developers run it: Redis, the SMTP
# sink standing in for the internal mail server, mailgate-policyd, mailgate-milter and
# a private Postfix wired to them, each in a subdirectory of one directory. Started in
# dependency order and stopped in reverse, always all of them. It does not build the
# daemons and does not clean its directory (logs and mail stay for inspection).
import logging
from pathlib import Path

from . import directories, mailgate_config, ports
from .mailgate_daemons import MilterDaemon, PolicyDaemon
from .postfix_instance import PostfixInstance
from .redis_server import RedisServer
from .smtp_sink import SmtpSink

logger = logging.getLogger(__name__)


class LocalGateway:
    def __init__(self, directory, smtp_port=None, build_directory=None, extra_config=None,
                 extra_main_cf=None, relay_domains="example.test", milter_transport="unix",
                 with_policy_daemon=True, with_milter=True, log_level="info"):
        """smtp_port: where Postfix listens on 127.0.0.1 (default: a free port).
        extra_config: mailgate settings merged into both daemons' config files.
        with_policy_daemon / with_milter=False leave that daemon out of Postfix's path."""
        self.directory = Path(directory)
        directories.make_subdirectory(self.directory.parent, self.directory.name)
        self.redis = RedisServer(directories.make_subdirectory(self.directory, "redis"))
        self.sink = SmtpSink(directories.make_subdirectory(self.directory, "sink"))
        self.policy_daemon = None
        self.milter_daemon = None
        if with_policy_daemon:
            self.policy_daemon = PolicyDaemon(
                directories.make_subdirectory(self.directory, "policyd"), self.redis,
                build_directory=build_directory, log_level=log_level)
        if with_milter:
            self.milter_daemon = MilterDaemon(
                directories.make_subdirectory(self.directory, "milter"), self.redis,
                transport=milter_transport, build_directory=build_directory,
                log_level=log_level)
        self._share_daemon_addresses(extra_config)
        self.postfix = PostfixInstance(
            directories.make_subdirectory(self.directory, "postfix"),
            smtp_port=smtp_port or ports.free_port(), relay_port=self.sink.port,
            policy_service=self.policy_daemon.postfix_address if self.policy_daemon else None,
            milter_socket=self.milter_daemon.postfix_address if self.milter_daemon else None,
            extra_main_cf=extra_main_cf, relay_domains=relay_domains)

    def _share_daemon_addresses(self, extra_config):
        # Both daemons' config files name both real addresses, as one production file would.
        shared = {}
        if self.policy_daemon:
            shared["policyd"] = {"listen": [self.policy_daemon.listen_address]}
        if self.milter_daemon:
            shared["milter"] = {"socket": self.milter_daemon.socket_spec}
        for daemon in self.daemons():
            daemon.extra_config = mailgate_config.merge_config(shared, extra_config)

    @property
    def smtp_port(self):
        return self.postfix.smtp_port

    def daemons(self):
        return [daemon for daemon in (self.policy_daemon, self.milter_daemon) if daemon]

    def services(self):
        """(name, service) in start order."""
        named = [("redis", self.redis), ("smtp-sink", self.sink)]
        if self.policy_daemon:
            named.append(("mailgate-policyd", self.policy_daemon))
        if self.milter_daemon:
            named.append(("mailgate-milter", self.milter_daemon))
        return named + [("postfix", self.postfix)]

    def log_paths(self):
        return {name: service.log_path for name, service in self.services()}

    def start(self):
        started = []
        try:
            for name, service in self.services():
                service.start()
                started.append((name, service))
        except BaseException:
            _stop_all(reversed(started))
            raise
        return self

    def stop(self):
        """Stop every service, in reverse order, even when one of them fails to stop."""
        _stop_all(reversed(self.services()))

    def __enter__(self):
        return self.start()

    def __exit__(self, *exception):
        self.stop()


def _stop_all(named_services):
    first_error = None
    for name, service in named_services:
        try:
            service.stop()
        except Exception as error:  # keep stopping the others
            logger.exception("stopping %s failed", name)
            first_error = first_error or error
    if first_error:
        raise first_error
