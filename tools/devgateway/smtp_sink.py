# The stand-in for the internal LAN mail server in tests: an aiosmtpd SMTP server on
# 127.0.0.1 that accepts every message and saves it as <sequence>.eml (the exact DATA
# bytes) and <sequence>.json (envelope and peer), both written atomically, the .json
# last, so a .json file means the message is complete. Optionally it rejects listed
# recipients (550 5.1.1) for recipient-verification tests. It does not relay, queue,
# or do TLS or AUTH.
#
# Run as a script:  /usr/bin/python3 tools/devgateway/smtp_sink.py --port N --directory D
# or use the SmtpSink class, which runs that script as a subprocess.
import argparse
import dataclasses
import email
import email.policy
import json
import os
import sys
import time
from pathlib import Path

try:
    from . import ports
    from .process import ManagedProcess
    from .service import ProcessService
except ImportError:  # run as a script: only the server part below is needed
    ProcessService = object

SINK_HOSTNAME = "internal-sink.example.test"


# ----- the server (runs in the subprocess) -----

def _next_sequence(directory):
    numbers = [int(path.stem) for path in directory.glob("*.json") if path.stem.isdigit()]
    return max(numbers, default=0) + 1


def _write_atomically(path, data):
    temporary = path.with_name(f".{path.name}.tmp")
    with open(temporary, "wb") as output:
        output.write(data)
    os.replace(temporary, path)


class _SavingHandler:
    def __init__(self, directory, rejected_recipients):
        self.directory = directory
        self.rejected_recipients = {address.lower() for address in rejected_recipients}
        self.sequence = _next_sequence(directory)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.rejected_recipients:
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        sequence = self.sequence
        self.sequence += 1
        stem = f"{sequence:06d}"
        _write_atomically(self.directory / f"{stem}.eml", envelope.original_content)
        envelope_record = {
            "sequence": sequence,
            "mail_from": envelope.mail_from,
            "rcpt_tos": list(envelope.rcpt_tos),
            "mail_options": list(envelope.mail_options),
            "peer": list(session.peer) if session.peer else None,
            "helo": session.host_name,
            "received_at": time.time(),
        }
        _write_atomically(self.directory / f"{stem}.json",
                          json.dumps(envelope_record, indent=2).encode())
        print(f"saved {stem} from={envelope.mail_from} to={','.join(envelope.rcpt_tos)}",
              flush=True)
        return f"250 2.0.0 Ok: queued as SINK{stem}"


def serve(port, directory, rejected_recipients=()):
    import asyncio
    import signal
    from aiosmtpd.smtp import SMTP

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    handler = _SavingHandler(directory, rejected_recipients)

    async def run():
        loop = asyncio.get_running_loop()
        stopping = asyncio.Event()
        for signal_number in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signal_number, stopping.set)
        # An explicit hostname: the default would call socket.getfqdn(), a name lookup.
        server = await loop.create_server(
            lambda: SMTP(handler, hostname=SINK_HOSTNAME, enable_SMTPUTF8=True,
                         decode_data=False, timeout=60),
            host="127.0.0.1", port=port, reuse_address=True)
        print(f"smtp sink listening on 127.0.0.1:{port}, saving to {directory}", flush=True)
        await stopping.wait()
        server.close()
        await server.wait_closed()

    asyncio.run(run())


def main(argv=None):
    parser = argparse.ArgumentParser(description="SMTP sink that saves every message.")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--directory", required=True)
    parser.add_argument("--reject-recipient", action="append", default=[],
                        help="answer 550 5.1.1 to RCPT TO this address (repeatable)")
    arguments = parser.parse_args(argv)
    serve(arguments.port, arguments.directory, arguments.reject_recipient)


# ----- the controller (runs in the test process) -----

@dataclasses.dataclass
class ReceivedMessage:
    sequence: int
    mail_from: str
    rcpt_tos: list
    peer: list
    helo: str
    raw: bytes                    # the exact DATA bytes
    message: email.message.EmailMessage
    path: Path                    # the .eml file


class SmtpSink(ProcessService):
    def __init__(self, directory, port=None, reject_recipients=()):
        self.directory = Path(directory)
        self.host = ports.LOOPBACK
        self.port = port or ports.free_port()
        self.messages_directory = self.directory / "messages"
        self.log_path = self.directory / "smtp-sink.log"
        command = [sys.executable, Path(__file__).resolve(), "--port", self.port,
                   "--directory", self.messages_directory]
        for address in reject_recipients:
            command += ["--reject-recipient", address]
        self._process = ManagedProcess("smtp-sink", command, self.log_path)

    def start(self, timeout=10.0):
        self.messages_directory.mkdir(parents=True, exist_ok=True)
        return self._start_process_and_wait(
            lambda: ports.wait_for_port(self.host, self.port, timeout, self._process))

    def messages(self):
        """Every completely saved message, in the order received."""
        received = []
        for envelope_path in sorted(self.messages_directory.glob("*.json")):
            record = json.loads(envelope_path.read_text())
            message_path = envelope_path.with_suffix(".eml")
            raw = message_path.read_bytes()
            received.append(ReceivedMessage(
                sequence=record["sequence"], mail_from=record["mail_from"],
                rcpt_tos=record["rcpt_tos"], peer=record["peer"], helo=record["helo"],
                raw=raw, message=email.message_from_bytes(raw, policy=email.policy.default),
                path=message_path))
        return received

    def wait_for_messages(self, count, timeout=10.0):
        """Wait until at least `count` messages are saved; return them all."""
        deadline = time.monotonic() + timeout
        while True:
            received = self.messages()
            if len(received) >= count:
                return received
            if time.monotonic() >= deadline:
                raise TimeoutError(
                    f"timed out after {timeout}s waiting for {count} message(s) in "
                    f"{self.messages_directory}; have {len(received)}")
            time.sleep(0.05)

    def clear(self):
        """Delete every saved message."""
        for path in self.messages_directory.glob("*"):
            path.unlink()

if __name__ == "__main__":
    main()
