# devgateway: start and stop real mail servers (Redis, an SMTP sink, a private Postfix,
# the mailgate daemons, an authoritative DNS server) on free loopback ports in temporary
# directories, for the integration tests and for `python3 -m devgateway` (a local
# gateway to try by hand).
# It is test and development tooling, never used in production, and never binds to
# anything but 127.0.0.1.
from .directories import make_shared_directory, make_subdirectory
from .dns_names import reverse_ipv4_name, reverse_ipv6_name, txt_record
from .dns_server import DnsServer, SilentDnsServer
from .local_gateway import LocalGateway
from .mailgate_daemons import MilterDaemon, PolicyDaemon, run_mailgatectl
from .milter_client import MilterClient
from .postfix_instance import PostfixInstance
from .ports import free_port, wait_for_port, wait_for_unix_socket
from .process import ManagedProcess
from .redis_server import RedisServer
from .smtp_sink import ReceivedMessage, SmtpSink
from .swaks import send_with_swaks

__all__ = [
    "DnsServer", "LocalGateway", "ManagedProcess", "MilterClient", "MilterDaemon", "PolicyDaemon",
    "PostfixInstance", "ReceivedMessage", "RedisServer", "SilentDnsServer", "SmtpSink",
    "free_port", "make_shared_directory", "make_subdirectory", "reverse_ipv4_name",
    "reverse_ipv6_name", "run_mailgatectl", "send_with_swaks", "txt_record",
    "wait_for_port", "wait_for_unix_socket",
]
