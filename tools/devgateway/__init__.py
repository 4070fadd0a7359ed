# devgateway: start and stop real mail servers (Redis, an SMTP sink, a private Postfix,
# the mailgate daemons) on free loopback ports in temporary directories, for the
# integration tests and for `python3 -m devgateway` (a local gateway to try by hand).
# It is test and development tooling, never used in production, and never binds to
# anything but 127.0.0.1.
from .directories import make_shared_directory, make_subdirectory
from .local_gateway import LocalGateway
from .mailgate_daemons import MilterDaemon, PolicyDaemon, run_mailgatectl
from .postfix_instance import PostfixInstance
from .ports import free_port, wait_for_port, wait_for_unix_socket
from .process import ManagedProcess
from .redis_server import RedisServer
from .smtp_sink import ReceivedMessage, SmtpSink
from .swaks import send_with_swaks

__all__ = [
    "LocalGateway", "ManagedProcess", "MilterDaemon", "PolicyDaemon", "PostfixInstance",
    "ReceivedMessage", "RedisServer", "SmtpSink", "free_port", "make_shared_directory",
    "make_subdirectory", "run_mailgatectl", "send_with_swaks", "wait_for_port",
    "wait_for_unix_socket",
]
